/**
 * Progress of `matdisc relax` and `matdisc generate` on stderr (issue 17), run in-process through
 * commander: forced plain lines (`--progress`, `MATDISC_PROGRESS=1`) with counts, nothing under
 * `--json` or when stderr is not a terminal and nothing forces it.
 */
import { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerGenerate } from '../../../cli/commands/generate.js';
import { registerRelax } from '../../../cli/commands/relax.js';
import { writeCif } from '../../../crystal/io/cif.js';
import { MORSE } from '../../campaign/fixtures.js';
import { siliconPrimitive } from '../../fixtures/silicon.js';
import { TINY } from '../../models/generator/fixture.js';

/** Runs one command in-process; what it wrote on stdout and stderr. */
async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const program = new Command('matdisc').exitOverride();
  registerRelax(program);
  registerGenerate(program);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const saved = { MATDISC_PROGRESS: process.env.MATDISC_PROGRESS };
  delete process.env.MATDISC_PROGRESS;
  Object.assign(process.env, env);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'matdisc', ...argv]);
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (saved.MATDISC_PROGRESS === undefined) delete process.env.MATDISC_PROGRESS;
    else process.env.MATDISC_PROGRESS = saved.MATDISC_PROGRESS;
  }
  return { stdout: stdout.join(''), stderr: stderr.join('') };
}

/** The progress lines of a stage in stderr, with their counts. */
const countsOf = (stderr: string, stage: string) =>
  [...stderr.matchAll(new RegExp(`^${stage}: (\\d+)/(\\d+) structures`, 'gm'))].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);

describe('progress of long commands on stderr', () => {
  let dir: string;
  let files: string[];
  beforeAll(() => {
    // stderr is a pipe here (not a terminal): progress appears only when forced.
    expect(process.stderr.isTTY).toBeFalsy();
    dir = mkdtempSync(join(tmpdir(), 'matdisc-progress-'));
    files = [5.3, 5.6].map((a) => {
      const file = join(dir, `si-${a}.cif`);
      writeFileSync(file, writeCif(siliconPrimitive(a)));
      return file;
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const relax = ['relax', '--model', MORSE, '--device', 'cpu', '--fmax', '0.05', '--steps', '200'];

  it('relax --progress prints plain lines with structures done of the total; none with --json', async () => {
    const forced = await run([...relax, ...files, '--progress']);
    expect(forced.stdout).toMatch(/converged in/);
    const counts = countsOf(forced.stderr, 'relax');
    expect(counts[0]).toEqual([0, 2]);
    expect(counts.at(-1)).toEqual([2, 2]);
    expect(counts.every(([, total]) => total === 2)).toBe(true);
    // The done count only grows; each line has the elapsed time; no carriage-return tricks.
    const done = counts.map(([d]) => d!);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(forced.stderr).toMatch(/^relax: 0\/2 structures \(0 %\); [\d.]+ s elapsed$/m);
    expect(forced.stderr).toMatch(
      /^relax: 2\/2 structures \(100 %\), step \d+\/200, \d converged, max force/m,
    );
    expect(forced.stderr).not.toContain('\r');
    expect(forced.stderr).not.toContain('\x1b');

    const json = await run([...relax, ...files, '--progress', '--json']);
    expect(JSON.parse(json.stdout).results).toHaveLength(2);
    expect(json.stderr).not.toMatch(/^relax:/m);

    // Not a terminal and not forced: nothing; MATDISC_PROGRESS=1 forces it like --progress.
    const quiet = await run([...relax, ...files]);
    expect(quiet.stderr).not.toMatch(/^relax:/m);
    const byEnv = await run([...relax, ...files], { MATDISC_PROGRESS: '1' });
    expect(countsOf(byEnv.stderr, 'relax').at(-1)).toEqual([2, 2]);
  });

  it('generate --progress counts structures over sampler steps and batches, with an ETA', async () => {
    const gen = [
      'generate',
      '--model',
      TINY,
      '--system',
      'Si',
      '-n',
      '3',
      '--natoms',
      '2',
      '--steps',
      '12',
      '--batch-size',
      '2',
      '--device',
      'cpu',
      '--threads',
      '1',
    ];
    const forced = await run([...gen, '--out', join(dir, 'gen-a'), '--progress']);
    // Two batches (2 + 1 structures): 0 done while the first runs, 2 during the second, then 3 (a
    // slow step may repeat a count with a later step: one line a second at most).
    const counts = countsOf(forced.stderr, 'generate').filter(
      (c, k, all) => k === 0 || c[0] !== all[k - 1]![0],
    );
    expect(counts).toEqual([
      [0, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(forced.stderr).toMatch(
      /^generate: 2\/3 structures \(\d+ %\), batch 2\/2, step \d+\/12; .* elapsed, ETA /m,
    );
    expect(forced.stderr).toMatch(/^generate: 3\/3 structures \(100 %\), batch 2\/2, step 12\/12; /m);

    const json = await run([...gen, '--out', join(dir, 'gen-b'), '--progress', '--json']);
    expect(JSON.parse(json.stdout).requested).toBe(3);
    expect(json.stderr).not.toMatch(/^generate:/m);
  });
});
