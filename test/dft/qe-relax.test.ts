import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLauncher } from '../../dft/launchers/local.js';
import { QeProfile } from '../../dft/qe/profiles.js';
import { QeTemplate } from '../../dft/qe/qe-template.js';
import { runCalculation } from '../../dft/run-calculation.js';
import { Structure } from '../../crystal/structure.js';
import { pseudoDir, siliconDiamond } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qe-relax-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('QE vc-relax', () => {
  it('relaxes Si from a = 5.30 Å to within 1% of the PBE 5.47 Å', { timeout: 400_000 }, async () => {
    const outcome = await runCalculation({
      structure: siliconDiamond(5.3),
      engine: new QeTemplate({ pseudoDir }),
      profile: QeProfile.named('test', { calculation: 'vc-relax' }),
      launcher: new LocalLauncher(),
      workRoot: join(root, 'si-vc-relax'),
    });
    expect(outcome.status, outcome.reason).toBe('converged');
    const r = outcome.result!;
    expect(r.ionicConverged).toBe(true);
    const volume = Structure.volume(r.finalStructure!);
    const a = Math.cbrt(4 * volume); // fcc primitive cell holds a³/4
    console.log(
      `vc-relax: a = ${a.toFixed(4)} Å after ${r.scfCycles} SCF cycles, ${outcome.attempts[0]!.wallS.toFixed(1)} s`,
    );
    expect(Math.abs(a - 5.47) / 5.47).toBeLessThan(0.01);
    for (let i = 0; i < 3; i++) expect(Math.abs(r.stressEvPerA3[i]![i]!)).toBeLessThan(0.001); // < 1.6 kbar
  });
});
