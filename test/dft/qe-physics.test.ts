/**
 * Physics checks of the QE engine with real pw.x (QE 6.7, serial): reference energies from
 * /work/shared/data/README.md §2, forces against finite differences of the energy, stress sign.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Structure } from '../../crystal/structure.js';
import { LocalLauncher } from '../../dft/launchers/local.js';
import { QeProfile } from '../../dft/qe/profiles.js';
import { QeTemplate } from '../../dft/qe/qe-template.js';
import { RY_IN_EV } from '../../dft/qe/qe-units.js';
import { runCalculation } from '../../dft/run-calculation.js';
import {
  celldmToA,
  displacedSilicon,
  fccIbrav2,
  magnesiumOxide,
  pseudoDir,
  siliconDiamond,
} from './helpers.js';

const qe = new QeTemplate({ pseudoDir });
const launcher = new LocalLauncher();
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qe-physics-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The README's reference settings: fixed occupations, 4×4×4 unshifted, conv_thr 1e-8 Ry, beta 0.7. */
const reference = QeProfile.named('test', {
  occupations: 'fixed',
  spinPolarization: 'off',
  kpointGrid: [4, 4, 4],
  convThrPerAtomRy: 0.5e-8,
  mixingBeta: 0.7,
});

async function scf(name: string, structure: Structure, profile: QeProfile) {
  const outcome = await runCalculation({
    structure,
    engine: qe,
    profile,
    launcher,
    workRoot: join(root, name),
  });
  expect(outcome.status, outcome.reason).toBe('converged');
  const attempt = outcome.attempts[0]!;
  const r = outcome.result!;
  const ry = (r.energyEv / RY_IN_EV).toFixed(8);
  console.log(
    `${name}: E = ${ry} Ry, ${attempt.wallS.toFixed(2)} s (pw.x ${r.wallS} s), ${r.scfIterations} SCF iterations`,
  );
  return outcome.result!;
}

describe('QE reference energies (ibrav=0 cells equivalent to the README inputs)', () => {
  it('Si diamond, a = 10.26 bohr, 30/240 Ry: -22.82574107 Ry', { timeout: 120_000 }, async () => {
    const a = celldmToA(10.26);
    const r = await scf('si-reference', siliconDiamond(a, fccIbrav2(a)), reference);
    expect(Math.abs(r.energyEv / RY_IN_EV - -22.82574107)).toBeLessThan(1e-4);
    for (const f of r.forcesEvPerA.flat()) expect(Math.abs(f)).toBeLessThan(1e-5);
  });

  it('MgO rock salt, a = 7.96 bohr, 50/400 Ry: -75.53585103 Ry', { timeout: 120_000 }, async () => {
    const a = celldmToA(7.96);
    const r = await scf('mgo-reference', magnesiumOxide(a, fccIbrav2(a)), reference);
    expect(Math.abs(r.energyEv / RY_IN_EV - -75.53585103)).toBeLessThan(1e-4);
    for (const f of r.forcesEvPerA.flat()) expect(Math.abs(f)).toBeLessThan(1e-5);
  });
});

describe('QE forces and stress', () => {
  const tight = QeProfile.named('test', {
    occupations: 'fixed',
    spinPolarization: 'off',
    convThrPerAtomRy: 5e-11,
  });

  it(
    'force on a displaced Si atom equals -dE/dx by central finite difference',
    { timeout: 300_000 },
    async () => {
      const dx = 0.05;
      const h = 0.01;
      const at = await scf('si-displaced', displacedSilicon(5.43, dx), tight);
      const plus = await scf('si-displaced-plus', displacedSilicon(5.43, dx + h), tight);
      const minus = await scf('si-displaced-minus', displacedSilicon(5.43, dx - h), tight);
      const fx = at.forcesEvPerA[1]![0]!;
      const fd = -(plus.energyEv - minus.energyEv) / (2 * h);
      console.log(`displaced Si: F_x = ${fx.toFixed(5)} eV/Å, finite difference ${fd.toFixed(5)} eV/Å`);
      expect(fx).toBeLessThan(-0.1); // pulled back towards the ideal site
      expect(Math.abs(fx - fd)).toBeLessThan(Math.max(0.02 * Math.abs(fd), 0.01));
      // Newton's third law for a two-atom cell
      for (let k = 0; k < 3; k++) expect(at.forcesEvPerA[0]![k]! + at.forcesEvPerA[1]![k]!).toBeCloseTo(0, 4);
    },
  );

  it(
    'compressed Si has a compressive (negative, ASE sign) stress, expanded Si a tensile one',
    { timeout: 120_000 },
    async () => {
      const compressed = await scf('si-compressed', siliconDiamond(5.2), tight);
      const expanded = await scf('si-expanded', siliconDiamond(5.7), tight);
      for (let i = 0; i < 3; i++) {
        expect(compressed.stressEvPerA3[i]![i]!).toBeLessThan(-0.005); // < -8 kbar
        expect(expanded.stressEvPerA3[i]![i]!).toBeGreaterThan(0.005);
        for (let j = 0; j < 3; j++)
          if (i !== j) expect(Math.abs(compressed.stressEvPerA3[i]![j]!)).toBeLessThan(1e-5);
      }
    },
  );
});
