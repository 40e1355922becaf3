import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePwProgress, PwProgressTracker } from '../../dft/qe/pw-progress.js';
import { RY_IN_EV } from '../../dft/qe/qe-units.js';
import { fixturesDir } from './helpers.js';

const text = readFileSync(join(fixturesDir, 'si-vc-relax.out'), 'utf8');

describe('pw.x progress', () => {
  it('reports each SCF iteration and counts ionic steps, whatever the chunk boundaries', () => {
    const tracker = new PwProgressTracker();
    const reports = [];
    for (let i = 0; i < text.length; i += 37) {
      const p = tracker.feed(text.slice(i, i + 37));
      if (p) reports.push(p);
    }
    // one report per energy line: every iteration but the last of each cycle, then its '!' line
    const iterations = (text.match(/^\s*iteration #/gm) ?? []).length;
    const cycles = (text.match(/^!/gm) ?? []).length;
    expect(reports).toHaveLength(iterations);
    expect(reports.filter((p) => p.scfIteration === 1)).toHaveLength(cycles);
    expect(reports[0]).toMatchObject({ scfIteration: 1, ionicStep: 0 });
    expect(reports.at(-1)!.ionicStep).toBe(cycles);
    const last = /^!\s+total energy\s*=\s*(\S+)/gm;
    const energies = [...text.matchAll(last)].map((m) => Number(m[1]) * RY_IN_EV);
    expect(reports.at(-1)!.energyEv).toBeCloseTo(energies.at(-1)!, 9);
  });

  it('reads a partial output', () => {
    const cut = text.indexOf('iteration #  3');
    const p = parsePwProgress(text.slice(0, cut + 5));
    expect(p).toMatchObject({ scfIteration: 2, ionicStep: 0 });
    expect(p.energyEv).toBeLessThan(0);
    expect(p.scfAccuracyEv).toBeGreaterThan(0);
  });
});
