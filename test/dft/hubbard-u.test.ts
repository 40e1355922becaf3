/**
 * GGA+U as the Materials Project applies it: which structures get U (pymatgen's rule), how QE and
 * VASP inputs carry it, that it is part of the level of theory, and — with real pw.x — that QE 6.7
 * runs it: a positive Hubbard energy, high-spin Fe²⁺ in FeO, and forces that are −∇E.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Structure } from '../../crystal/structure.js';
import { hubbardUFor, MP_HUBBARD_U_EV } from '../../dft/hubbard-u.js';
import { LocalLauncher } from '../../dft/launchers/local.js';
import { qeLevelOfTheory, vaspLevelOfTheory } from '../../dft/level-of-theory.js';
import { renderPwInput } from '../../dft/qe/pw-input.js';
import { resolvePwInput } from '../../dft/qe/pw-parameters.js';
import { QeProfile } from '../../dft/qe/profiles.js';
import { loadSssp } from '../../dft/qe/sssp.js';
import { resolveIncar } from '../../dft/vasp/inputs/incar.js';
import { QeTemplate } from '../../dft/qe/qe-template.js';
import { runCalculation } from '../../dft/run-calculation.js';
import { VaspParams } from '../../dft/vasp/vasp-params.js';
import { fcc, pseudoDir } from './helpers.js';

const rockSalt = (cation: string, anion: string, a: number, dx = 0) =>
  Structure.create(
    fcc(a),
    [cation, anion],
    [
      [0, 0, 0],
      [0.5 + dx, 0.5, 0.5],
    ],
  );

describe('which structures get U (MP rule: the most electronegative element is O or F)', () => {
  it('oxides and fluorides of V–W get MP’s values; sulfides, nitrides, intermetallics do not', () => {
    expect(hubbardUFor(['Fe', 'O'])).toEqual(new Map([['Fe', 5.3]]));
    expect(hubbardUFor(['Ni', 'F'])).toEqual(new Map([['Ni', 6.2]]));
    expect(hubbardUFor(['Li', 'Mn', 'Co', 'O'])).toEqual(
      new Map([
        ['Mn', 3.9],
        ['Co', 3.32],
      ]),
    );
    // O is more electronegative than N and Cl: an oxynitride and an oxychloride still get U.
    expect(hubbardUFor(['V', 'N', 'O'])).toEqual(new Map([['V', 3.25]]));
    expect(hubbardUFor(['Cr', 'Cl', 'O'])).toEqual(new Map([['Cr', 3.7]]));
    expect(hubbardUFor(['Fe', 'S'])).toBeNull();
    expect(hubbardUFor(['Fe', 'N'])).toBeNull();
    expect(hubbardUFor(['Fe', 'Al'])).toBeNull();
    expect(hubbardUFor(['Mg', 'O'])).toBeNull();
    expect(hubbardUFor(['Ar'])).toBeNull();
    expect(Object.keys(MP_HUBBARD_U_EV).sort()).toEqual(['Co', 'Cr', 'Fe', 'Mn', 'Mo', 'Ni', 'V', 'W']);
  });
});

describe('GGA+U in the inputs and the level of theory', () => {
  it('pw.x: lda_plus_u with Hubbard_U on the U species only, and nothing for MgO or the test profile', async () => {
    const library = await loadSssp(pseudoDir);
    const feo = await resolvePwInput(rockSalt('Fe', 'O', 4.33), QeProfile.named('standard'), library);
    const text = renderPwInput(feo.input);
    const feIndex = feo.input.species.findIndex((s) => s.label === 'Fe') + 1;
    expect(text).toContain('lda_plus_u = .true.');
    expect(text).toContain('lda_plus_u_kind = 0');
    expect(text).toContain("U_projection_type = 'ortho-atomic'");
    expect(text).toContain(`Hubbard_U(${feIndex}) = 5.3`);
    expect(text.match(/Hubbard_U\(/g)).toHaveLength(1);
    expect(feo.resolved).toMatchObject({ hubbardUEv: { Fe: 5.3 }, nspin: 2 });

    const mgo = await resolvePwInput(rockSalt('Mg', 'O', 4.21), QeProfile.named('standard'), library);
    expect(renderPwInput(mgo.input)).not.toContain('lda_plus_u');
    const plain = await resolvePwInput(rockSalt('Fe', 'O', 4.33), QeProfile.named('test'), library);
    expect(renderPwInput(plain.input)).not.toContain('lda_plus_u');
  });

  it('VASP: LDAU tags per POSCAR species in the production and standard sets, none in test', () => {
    const fe2o3ish = Structure.create(
      fcc(4.3),
      ['Fe', 'Fe', 'Li', 'O'],
      [
        [0, 0, 0],
        [0.25, 0.25, 0.25],
        [0.5, 0.5, 0.5],
        [0.75, 0.75, 0.75],
      ],
    );
    for (const name of ['standard', 'production'] as const) {
      const tags = new Map(resolveIncar(fe2o3ish, VaspParams.named(name)));
      expect(tags.get('LDAU')).toBe(true);
      expect(tags.get('LDAUTYPE')).toBe(2);
      expect(tags.get('LDAUL')).toEqual([2, 0, 0]);
      expect(tags.get('LDAUU')).toEqual([5.3, 0, 0]);
      expect(tags.get('LDAUJ')).toEqual([0, 0, 0]);
      expect(tags.get('LMAXMIX')).toBe(4);
    }
    expect(new Map(resolveIncar(fe2o3ish, VaspParams.named('test'))).has('LDAU')).toBe(false);
    expect(() => VaspParams.named('production', { incar: { LDAUU: [1] } })).toThrow(/hubbardU/);
  });

  it('is part of the level of theory; levels without it keep the hash they had before it existed', () => {
    const standard = QeProfile.named('standard');
    expect(qeLevelOfTheory(standard)).not.toBe(qeLevelOfTheory({ ...standard, hubbardU: 'off' }));
    // Hashes computed before the field existed (stored levels of existing databases).
    expect(qeLevelOfTheory(QeProfile.named('test'))).toBe('qe:test:277e14c4479f');
    expect(vaspLevelOfTheory(VaspParams.named('test'))).toBe('vasp:test:a4c004f49d96');
    const production = VaspParams.named('production');
    expect(vaspLevelOfTheory(production)).not.toBe(vaspLevelOfTheory({ ...production, hubbardU: 'off' }));
    // A profile stored before the field existed parses as plain GGA.
    const { hubbardU: _dropped, ...old } = QeProfile.named('production');
    expect(QeProfile.parse(old).hubbardU).toBe('off');
  });
});

describe('GGA+U with real pw.x (FeO, ferromagnetic rock salt)', () => {
  const qe = new QeTemplate({ pseudoDir });
  const launcher = new LocalLauncher();
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qe-hubbard-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const profile = (hubbardU: 'off' | 'mp2020') =>
    // Half the SSSP cutoffs (Fe: 90/1080 Ry): every comparison below is at one cutoff.
    QeProfile.named('test', { hubbardU, cutoffScale: 0.5, convThrPerAtomRy: 5e-10, mixingBeta: 0.4 });

  async function scf(name: string, structure: Structure, p: QeProfile) {
    const outcome = await runCalculation({
      structure,
      engine: qe,
      profile: p,
      launcher,
      workRoot: join(root, name),
    });
    expect(outcome.status, outcome.reason).toBe('converged');
    const r = outcome.result!;
    console.log(
      `${name}: E = ${r.energyEv.toFixed(5)} eV, M = ${r.totalMagnetization} μB, pw.x ${r.wallS} s`,
    );
    return r;
  }

  it(
    'U raises the energy by a positive Hubbard term, keeps Fe²⁺ high spin (4 μB), and its forces are −dE/dx',
    { timeout: 300_000 },
    async () => {
      const gga = await scf('feo-gga', rockSalt('Fe', 'O', 4.33), profile('off'));
      const ggaU = await scf('feo-ggau', rockSalt('Fe', 'O', 4.33), profile('mp2020'));
      // Dudarev: E_U = U/2 Σ Tr[n(1 − n)] ≥ 0 with occupations in [0, 1], so min(E_GGA + E_U) ≥
      // min E_GGA; at most U/2 · 10 spin-orbitals · 1/4 = 6.6 eV for Fe.
      const penaltyEv = ggaU.energyEv - gga.energyEv;
      console.log(`FeO: E(GGA+U) − E(GGA) = ${penaltyEv.toFixed(4)} eV`);
      expect(penaltyEv).toBeGreaterThan(0.1);
      expect(penaltyEv).toBeLessThan(6.6);
      for (const r of [gga, ggaU]) expect(Math.abs(r.totalMagnetization! - 4)).toBeLessThan(0.2);

      // Forces with U on ortho-atomic projectors (QE ≥ 6.6) against a central difference.
      const dx = 0.02;
      const h = 0.004; // fractional
      const at = await scf('feo-ggau-displaced', rockSalt('Fe', 'O', 4.33, dx), profile('mp2020'));
      const plus = await scf('feo-ggau-plus', rockSalt('Fe', 'O', 4.33, dx + h), profile('mp2020'));
      const minus = await scf('feo-ggau-minus', rockSalt('Fe', 'O', 4.33, dx - h), profile('mp2020'));
      // A fractional step along a1 moves O by h·a1 (Å); the force along a1 is F·â1.
      const a1 = fcc(4.33)[0]!;
      const len = Math.hypot(...a1);
      const along = (f: readonly number[]) => (f[0]! * a1[0]! + f[1]! * a1[1]! + f[2]! * a1[2]!) / len;
      const fd = -(plus.energyEv - minus.energyEv) / (2 * h * len);
      const force = along(at.forcesEvPerA[1]!);
      console.log(`FeO GGA+U: F·â1 on O = ${force.toFixed(5)} eV/Å, finite difference ${fd.toFixed(5)} eV/Å`);
      expect(Math.abs(force)).toBeGreaterThan(0.05);
      expect(Math.abs(force - fd)).toBeLessThan(Math.max(0.03 * Math.abs(fd), 0.01));
    },
  );
});
