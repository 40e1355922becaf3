/**
 * The VASP output parsers on two real runs (shared data, vasp_fixtures; STYLE.md T3). Every number
 * asserted here was read off the files themselves.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Structure } from '../../../crystal/structure.js';
import {
  parseOutcar,
  parseVaspOutputs,
  parseVasprun,
  readVaspRun,
  type Outcar,
  type Vasprun,
} from '../../../dft/vasp/vasp-outputs.js';
import { KBAR_IN_EV_PER_A3 } from '../../../dft/vasp/vasp-units.js';
import {
  maxAbsDiff,
  noMagmomsDir,
  readFixtureStructure,
  readFixtureVasprun,
  withMagmomsDir,
} from './helpers.js';

const kbar = (x: number) => -x * KBAR_IN_EV_PER_A3; // VASP kB -> eV/Å³, ASE sign

describe('vasprun.xml and OUTCAR of a VASP 5.4.4 ISIF 3 relaxation (Nb16C8O8, parse-vasp-no-magmoms)', () => {
  let vasprun: Vasprun;
  let outcar: Outcar;
  beforeAll(async () => {
    vasprun = parseVasprun(await readFixtureVasprun(noMagmomsDir));
    outcar = parseOutcar(await readFile(join(noMagmomsDir, 'OUTCAR'), 'latin1'));
  });

  it('reads the run header: version, parameters, atoms and POTCARs', () => {
    expect(vasprun.complete).toBe(true);
    expect(vasprun.version).toBe('5.4.4.18Apr17-6-g9f103f2a35');
    expect(outcar.version).toBe('5.4.4.18Apr17-6-g9f103f2a35');
    expect(vasprun.parameters).toMatchObject({ NELM: '100', ISPIN: '1', NSW: '60', IBRION: '2', ISIF: '3' });
    expect(Number(vasprun.parameters.EDIFF)).toBe(1e-5);
    expect(outcar.parameters).toEqual({
      NELM: 100,
      EDIFF: 1e-5,
      ISPIN: 1,
      NSW: 60,
      IBRION: 2,
      ISIF: 3,
      EDIFFG: 0.001,
    });
    expect(vasprun.species).toEqual([...Array(16).fill('Nb'), ...Array(8).fill('C'), ...Array(8).fill('O')]);
    expect(outcar.nIons).toBe(32);
    expect(outcar.ionsPerType).toEqual([16, 8, 8]);
    expect(vasprun.potcarTitles).toEqual([
      'PAW_PBE Nb_sv 25May2007',
      'PAW_PBE C 08Apr2002',
      'PAW_PBE O 08Apr2002',
    ]);
    expect(outcar.potcarTitles).toEqual(vasprun.potcarTitles);
  });

  it('reads all 49 ionic steps with their electronic step counts', () => {
    expect(vasprun.calculations).toHaveLength(49);
    expect(outcar.ionicSteps).toHaveLength(49);
    const counts = vasprun.calculations.map((c) => c.scStepFreeEnergiesEv.length);
    expect(counts.slice(0, 8)).toEqual([19, 18, 15, 5, 12, 10, 7, 20]);
    expect(counts.at(-1)).toBe(5);
    expect(outcar.ionicSteps.map((s) => s.scfIterations)).toEqual(counts);
    expect(outcar.ionicSteps.every((s) => s.scfConverged)).toBe(true);
    expect(outcar.reachedRequiredAccuracy).toBe(true);
    expect(outcar.finished).toBe(true);
    expect(outcar.elapsedS).toBe(879.785);
  });

  it('reads per-step energies, including the wild second trial step', () => {
    const energies = vasprun.calculations.map((c) => c.energy.freeEnergyEv);
    expect(energies[0]).toBe(-208.69249789);
    expect(energies[1]).toBe(19858.14320376);
    expect(energies[48]).toBe(-253.88059011);
    const last = outcar.ionicSteps.at(-1)!;
    expect(last.freeEnergyEv).toBe(-253.88059011);
    expect(last.energyWithoutEntropyEv).toBe(-253.7164208);
    expect(last.energySigma0Ev).toBe(-253.79850546);
    // VASP 5.4.4 writes E(σ→0) under e_wo_entrp and −TS under e_0_energy of a <calculation>: not used.
    expect(vasprun.calculations[48]!.energy.energyWithoutEntropyEv).toBe(-253.79850546);
    expect(vasprun.calculations[48]!.energy.energySigma0Ev).toBe(-0.16416931);
  });

  it('reads forces, stress and structures of the last step', () => {
    const c = vasprun.calculations[48]!;
    expect(c.forcesEvPerA).toHaveLength(32);
    expect(c.forcesEvPerA![4]).toEqual([-0, -0.03450398, 0.02658594]);
    expect(c.forcesEvPerA![16]).toEqual([0.0406195, 0.0406195, 0.0406195]);
    expect(c.forcesEvPerA![24]).toEqual([-0.03910696, -0.03910696, -0.03910696]);
    expect(c.stressKbar![0]![0]).toBe(0.57230187);
    expect(outcar.ionicSteps.at(-1)!.stressKbar).toEqual([0.5723, 0.5723, 0.5723, -0, 0, 0]);
    expect(c.structure!.lattice[0]).toEqual([5.50341644, 5.50341644, 5.50341644]);
    expect(vasprun.initialStructure!.lattice[0]).toEqual([5.80902113, 5.80902113, 5.80902113]);
  });
});

describe('vasprun.xml.gz and OUTCAR of a VASP 6.3.2 spin-polarised single point (Li20Cl20, parse-vasp-with-magmoms)', () => {
  let vasprun: Vasprun;
  let outcar: Outcar;
  beforeAll(async () => {
    vasprun = parseVasprun(await readFixtureVasprun(withMagmomsDir)); // 15 MB, gunzipped in memory
    outcar = parseOutcar(await readFile(join(withMagmomsDir, 'OUTCAR'), 'latin1'));
  });

  it('reads the run header', () => {
    expect(vasprun.complete).toBe(true);
    expect(vasprun.version).toBe('6.3.2');
    expect(outcar.version).toBe('6.3.2');
    expect(vasprun.parameters).toMatchObject({ NELM: '400', ISPIN: '2', NSW: '0', IBRION: '-1' });
    expect(vasprun.incar.MAGMOM!.split(/\s+/)).toHaveLength(40);
    expect(vasprun.species.filter((s) => s === 'Li')).toHaveLength(20);
    expect(vasprun.potcarTitles).toEqual(['PAW_PBE Li_sv 10Sep2004', 'PAW_PBE Cl 17Jan2003']);
    expect(outcar.potcarTitles).toEqual(vasprun.potcarTitles);
  });

  it('reads the single ionic step: 17 electronic steps, energies, forces, stress, magnetization', () => {
    expect(vasprun.calculations).toHaveLength(1);
    const c = vasprun.calculations[0]!;
    expect(c.scStepFreeEnergiesEv).toHaveLength(17);
    expect(c.scStepFreeEnergiesEv.at(-1)).toBe(-146.4911903); // before the IVDW = 11 correction
    expect(c.energy).toEqual({
      freeEnergyEv: -153.0123588,
      energyWithoutEntropyEv: -153.0123588,
      energySigma0Ev: -153.0123588,
    });
    expect(c.forcesEvPerA![0]).toEqual([0.22258223, 0.16966156, -0.80105683]);
    expect(c.forcesEvPerA![39]).toEqual([-0.01874897, -0.0151126, 0.06782996]);
    expect(c.stressKbar).toEqual([
      [-18.4962043, -0.30771155, -1.28440051],
      [-0.3077115, -8.42013951, 1.09219834],
      [-1.28440049, 1.09219835, -14.21020607],
    ]);
    const step = outcar.ionicSteps[0]!;
    expect(step).toMatchObject({
      scfIterations: 17,
      scfConverged: true,
      freeEnergyEv: -153.0123588,
      magnetization: 0.0001938,
    });
    expect(step.stressKbar).toEqual([-18.4962, -8.42014, -14.21021, -0.30771, 1.0922, -1.2844]);
    expect(step.forcesEvPerA[0]).toEqual([0.222582, 0.169662, -0.801057]);
    expect(outcar.elapsedS).toBe(753.365);
    expect(outcar.reachedRequiredAccuracy).toBe(false);
  });
});

describe('readVaspRun / parseVaspOutputs on the real runs', () => {
  it('gives the final free energy, forces, converted stress and convergence of the relaxation', async () => {
    const result = await parseVaspOutputs(noMagmomsDir);
    expect(result.engine).toBe('vasp');
    expect(result.energyEv).toBeCloseTo(-253.88059011, 6);
    expect(result.energyPerAtomEv).toBeCloseTo(-253.88059011 / 32, 9);
    expect(result.forcesEvPerA[4]).toEqual([-0, -0.03450398, 0.02658594]);
    expect(result.stressEvPerA3[0]![0]).toBeCloseTo(kbar(0.57230187), 12);
    expect(result.stressEvPerA3[0]![0]).toBeCloseTo(-3.5720274e-4, 10);
    expect(result).toMatchObject({
      scfConverged: true,
      ionicConverged: true,
      scfIterations: 5,
      scfCycles: 49,
      wallS: 879.785,
      jobDone: true,
    });
    expect(result.totalMagnetization).toBeUndefined();
    expect(result.warnings).toContain('WARNING: grid for Broyden might be to small');
  });

  it('reads the relaxed structure back: it is the CONTCAR geometry, and the first step is the POSCAR', async () => {
    const run = await readVaspRun(noMagmomsDir);
    const contcar = await readFixtureStructure(noMagmomsDir, 'CONTCAR');
    const poscar = await readFixtureStructure(noMagmomsDir, 'POSCAR');
    const final = run.ionicSteps.at(-1)!.structure!;
    expect(final.species).toEqual(contcar.species);
    expect(maxAbsDiff(final.lattice, contcar.lattice)).toBeLessThan(1e-7);
    expect(maxAbsDiff(Structure.cartCoords(final), Structure.cartCoords(contcar))).toBeLessThan(1e-6);
    expect(maxAbsDiff(run.contcarStructure!.lattice, contcar.lattice)).toBeLessThan(1e-7);
    expect(maxAbsDiff(run.ionicSteps[0]!.structure!.lattice, poscar.lattice)).toBeLessThan(1e-7);
    expect(Structure.volume(final)).toBeCloseTo(666.74093843, 4);
    expect(run.isRelaxation).toBe(true);
  });

  it('gives the single point: energy, forces, stress in eV/Å³ with the ASE sign, magnetization', async () => {
    const result = await parseVaspOutputs(withMagmomsDir);
    expect(result.energyEv).toBeCloseTo(-153.0123588, 6);
    expect(result.energyPerAtomEv).toBeCloseTo(-3.82530897, 8);
    expect(result.forcesEvPerA[0]).toEqual([0.22258223, 0.16966156, -0.80105683]);
    expect(result.stressEvPerA3[0]).toEqual([kbar(-18.4962043), kbar(-0.30771155), kbar(-1.28440051)]);
    expect(result.stressEvPerA3[0]![0]).toBeCloseTo(0.011544423, 8);
    expect(result.stressEvPerA3[2]![2]).toBeCloseTo(0.008869313, 8);
    expect(result).toMatchObject({
      scfConverged: true,
      scfIterations: 17,
      scfCycles: 1,
      wallS: 753.365,
      engineVersion: '6.3.2',
    });
    expect(result.ionicConverged).toBeUndefined();
    expect(result.finalStructure).toBeUndefined();
    expect(result.totalMagnetization).toBe(0.0001938);
  });

  it('has the sign right: VASP reports external pressure −13.71 kB here, so the ASE stress is tensile (positive)', async () => {
    const result = await parseVaspOutputs(withMagmomsDir);
    const meanKbar =
      ((result.stressEvPerA3[0]![0]! + result.stressEvPerA3[1]![1]! + result.stressEvPerA3[2]![2]!) / 3) *
      1602.1766208;
    expect(meanKbar).toBeCloseTo(13.709, 2); // OUTCAR: "external pressure =      -13.71 kB"
    const outcar = await readFile(join(withMagmomsDir, 'OUTCAR'), 'latin1');
    expect(outcar).toMatch(/external pressure =\s+-13\.71 kB/);
  });
});

describe('OUTCAR and vasprun.xml agree', () => {
  for (const [name, dir] of [
    ['Nb16C8O8 relaxation', noMagmomsDir],
    ['Li20Cl20 single point', withMagmomsDir],
  ] as const) {
    it(`${name}: every ionic step's energy, forces, stress, cell and positions`, async () => {
      const vasprun = parseVasprun(await readFixtureVasprun(dir));
      const outcar = parseOutcar(await readFile(join(dir, 'OUTCAR'), 'latin1'));
      expect(outcar.ionicSteps.length).toBe(vasprun.calculations.length);
      vasprun.calculations.forEach((c, k) => {
        const o = outcar.ionicSteps[k]!;
        expect(Math.abs(o.freeEnergyEv - c.energy.freeEnergyEv!)).toBeLessThan(1e-6);
        expect(maxAbsDiff(o.forcesEvPerA, c.forcesEvPerA!)).toBeLessThanOrEqual(5.1e-7); // OUTCAR prints 6 decimals
        const s = c.stressKbar!;
        expect(
          maxAbsDiff(o.stressKbar!, [s[0]![0], s[1]![1], s[2]![2], s[0]![1], s[1]![2], s[0]![2]]),
        ).toBeLessThanOrEqual(5.1e-6);
        expect(maxAbsDiff(o.lattice!, c.structure!.lattice)).toBeLessThan(1e-7);
        const cart = Structure.cartCoords(
          Structure.create(c.structure!.lattice, vasprun.species, c.structure!.fracCoords),
        );
        const wrapped = Structure.cartCoords(
          Structure.fromCartesian(c.structure!.lattice, vasprun.species, o.positions),
        );
        expect(maxAbsDiff(cart, wrapped)).toBeLessThan(2e-5);
      });
    });
  }
});
