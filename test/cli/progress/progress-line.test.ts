/** The progress line of long commands (cli/progress/progress-line.ts): modes, terminal vs plain, ETA. */
import { describe, expect, it } from 'vitest';
import {
  estimateRemainingS,
  formatDuration,
  ProgressLine,
  progressMode,
} from '../../../cli/progress/progress-line.js';

/** A stream that records what is written, and a clock the test moves. */
function harness(columns = 200) {
  const writes: string[] = [];
  let t = 0;
  const stream = { columns, write: (s: string) => writes.push(s) };
  return {
    writes,
    stream,
    now: () => t,
    advance: (ms: number) => (t += ms),
  };
}

describe('progressMode', () => {
  it('is a redrawn line on a terminal, plain lines when forced, and nothing under --json', () => {
    expect(progressMode({ isTTY: true, env: {} })).toBe('tty');
    expect(progressMode({ isTTY: false, env: {} })).toBe('off');
    expect(progressMode({ isTTY: false, forced: true, env: {} })).toBe('plain');
    expect(progressMode({ isTTY: false, env: { MATDISC_PROGRESS: '1' } })).toBe('plain');
    expect(progressMode({ isTTY: true, forced: true, env: {} })).toBe('tty');
    expect(progressMode({ isTTY: true, env: { MATDISC_PROGRESS: '0' } })).toBe('off');
    // --json wins over everything, a terminal and --progress included.
    expect(progressMode({ json: true, isTTY: true, forced: true, env: { MATDISC_PROGRESS: '1' } })).toBe(
      'off',
    );
  });
});

describe('ProgressLine', () => {
  it('plain: whole lines with counts, elapsed and ETA, one per change of counts, no carriage returns', () => {
    const h = harness();
    const p = new ProgressLine('plain', { stream: h.stream, now: h.now, plainIntervalMs: 1000 });
    p.stage('relax', { total: 4, unit: 'structures' });
    h.advance(2000);
    p.update({ done: 1, detail: 'step 10' });
    h.advance(100);
    p.update({ detail: 'step 11' }); // detail only, within the interval: no line
    h.advance(2000);
    p.update({ done: 2, detail: 'step 30' });
    p.end();
    expect(h.writes).toEqual([
      'relax: 0/4 structures (0 %); 0.0 s elapsed\n',
      'relax: 1/4 structures (25 %), step 10; 2.0 s elapsed, ETA 6.0 s\n',
      'relax: 2/4 structures (50 %), step 30; 4.1 s elapsed, ETA 4.1 s\n',
    ]);
    expect(h.writes.join('')).not.toContain('\r');
    expect(h.writes.join('')).not.toContain('\x1b');
  });

  it('plain: a detail that changes alone is written again once the interval has passed', () => {
    const h = harness();
    const p = new ProgressLine('plain', { stream: h.stream, now: h.now, plainIntervalMs: 1000 });
    p.stage('qe scf, attempt 0');
    p.update({ detail: 'SCF iteration 1' });
    h.advance(1500);
    p.update({ detail: 'SCF iteration 2' });
    expect(h.writes).toEqual([
      'qe scf, attempt 0; 0.0 s elapsed\n',
      'qe scf, attempt 0: SCF iteration 2; 1.5 s elapsed\n',
    ]);
    // A retry keeps the clock of the work it retries.
    h.advance(500);
    p.stage('qe scf, attempt 1', { continueClock: true });
    expect(h.writes.at(-1)).toBe('qe scf, attempt 1; 2.0 s elapsed\n');
  });

  it('a finer fraction than done/total drives the percentage and the ETA', () => {
    const h = harness();
    const p = new ProgressLine('plain', { stream: h.stream, now: h.now });
    p.stage('generate', { total: 10, unit: 'structures' });
    h.advance(30_000);
    p.update({ done: 0, fraction: 0.25, detail: 'batch 1/2, step 50/100' });
    expect(p.text()).toBe(
      'generate: 0/10 structures (25 %), batch 1/2, step 50/100; 30 s elapsed, ETA 1 min 30 s',
    );
  });

  it('tty: redraws one line in place, throttled, and erases it at the end; log() keeps the line whole', () => {
    const h = harness(60);
    const p = new ProgressLine('tty', { stream: h.stream, now: h.now, ttyIntervalMs: 100, tickMs: 0 });
    p.stage('relax', { total: 2, unit: 'structures' });
    h.advance(10);
    p.update({ done: 1 }); // within 100 ms of the last draw: skipped
    h.advance(200);
    p.update({ done: 1, detail: 'step 12, max force 0.1234 eV/Å, and a detail too long for the line' });
    p.log('a message');
    p.end();
    expect(h.writes[0]).toBe('\rrelax: 0/2 structures (0 %); 0.0 s elapsed\x1b[K');
    expect(h.writes).toHaveLength(5);
    // Cut to the terminal's width (60 columns, less one), with an ellipsis.
    const cut = h.writes[1]!;
    expect(cut.startsWith('\rrelax: 1/2 structures (50 %), step 12')).toBe(true);
    expect(cut.endsWith('…\x1b[K')).toBe(true);
    expect(cut.slice(1, -'\x1b[K'.length)).toHaveLength(59);
    expect(h.writes[2]).toBe('\r\x1b[Ka message\n');
    expect(h.writes[3]).toMatch(/^\rrelax: 1\/2/);
    expect(h.writes[4]).toBe('\r\x1b[K');
    expect(h.writes.some((w) => w.includes('\n') && !w.startsWith('\r\x1b[K'))).toBe(false);
  });

  it('off: writes nothing', () => {
    const h = harness();
    const p = new ProgressLine('off', { stream: h.stream, now: h.now });
    p.stage('relax', { total: 2 });
    p.update({ done: 2 });
    p.end();
    expect(h.writes).toEqual([]);
    expect(p.enabled).toBe(false);
  });
});

describe('ETA and durations', () => {
  it('estimates the time left from the fraction done, and none at 0 or 1', () => {
    expect(estimateRemainingS(10, 0.5)).toBeCloseTo(10);
    expect(estimateRemainingS(10, 0.2)).toBeCloseTo(40);
    expect(estimateRemainingS(10, 0)).toBeNull();
    expect(estimateRemainingS(10, 1)).toBeNull();
  });
  it('formats seconds, minutes and hours', () => {
    expect(formatDuration(0.42)).toBe('0.4 s');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(184)).toBe('3 min 04 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
