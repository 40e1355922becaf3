import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lattice, type Vec3 } from '../../crystal/lattice.js';
import { OutputParseError } from '../../dft/errors.js';
import { parsePwOutput, parseQeDuration, toDftResult } from '../../dft/qe/pw-output.js';
import { EV_PER_A3_IN_KBAR, RY_IN_EV } from '../../dft/qe/qe-units.js';
import { displacedSilicon, fixturesDir, siliconDiamond } from './helpers.js';

const fixture = (name: string) => readFileSync(join(fixturesDir, name), 'utf8');

describe('parsePwOutput on real pw.x 6.7 output', () => {
  it('reads a converged SCF: energy (eV), forces, stress in ASE sign, wall time', () => {
    const out = parsePwOutput(fixture('si-scf.out'));
    expect(out.version).toBe('6.7MaX');
    expect(out.nat).toBe(2);
    expect(out.scfConverged).toBe(true);
    expect(out.jobDone).toBe(true);
    expect(out.energyRy).toBe(-22.8255776); // the "!" line, verbatim
    expect(out.forcesEvPerA).toHaveLength(2);
    for (const f of out.forcesEvPerA.flat()) expect(Math.abs(f)).toBeLessThan(1e-6);
    // a = 5.43 Å is below the PBE 5.47 Å: pw.x prints P > 0, ASE sign is negative (compressive).
    expect(out.pressureKbar).toBeGreaterThan(0);
    const s = out.stressEvPerA3;
    for (let i = 0; i < 3; i++) expect(s[i]![i]!).toBeLessThan(0);
    const pressureKbar = (-(s[0]![0]! + s[1]![1]! + s[2]![2]!) / 3) * EV_PER_A3_IN_KBAR;
    expect(pressureKbar).toBeCloseTo(out.pressureKbar!, 1);
    expect(out.wallS).toBeGreaterThan(0);
    expect(out.ionic).toBeNull();
    expect(out.error).toBeNull();
  });

  it('converts to a DftResult in eV per atom', () => {
    const out = parsePwOutput(fixture('si-scf.out'));
    const r = toDftResult(out, { calculation: 'scf', input: siliconDiamond(5.43) });
    expect(r.energyEv).toBeCloseTo(out.energyRy! * RY_IN_EV, 9);
    expect(r.energyPerAtomEv).toBeCloseTo(r.energyEv / 2, 9);
    expect(r.scfIterations).toBeGreaterThan(3);
    expect(r.scfCycles).toBe(1);
    expect(r.ionicConverged).toBeUndefined();
    expect(r.finalStructure).toBeUndefined();
  });

  it('treats "JOB DONE" after "convergence NOT achieved" as not converged', () => {
    const out = parsePwOutput(fixture('si-scf-not-converged.out'));
    expect(out.jobDone).toBe(true);
    expect(out.scfConverged).toBe(false);
    expect(out.scfIterations).toBe(2);
    expect(out.energyRy).toBeLessThan(-22.8); // last iteration's estimate
    expect(out.forcesEvPerA).toEqual([]);
    expect(out.stressEvPerA3).toEqual([]);
  });

  it('reads a relax: BFGS converged, final positions on the input lattice', () => {
    const input = displacedSilicon(5.43, 0.08);
    const out = parsePwOutput(fixture('si-relax.out'));
    expect(out.ionic).toMatchObject({ converged: true, maxStepsReached: false, failed: false });
    const r = toDftResult(out, { calculation: 'relax', input });
    expect(r.ionicConverged).toBe(true);
    expect(r.scfCycles).toBeGreaterThan(1);
    expect(r.finalStructure!.lattice).toEqual(input.lattice);
    // the displaced atom goes back towards the ideal site
    const [f0, f1] = r.finalStructure!.fracCoords as [Vec3, Vec3];
    const df = f1.map((x, i) => x - f0[i]! - Math.round(x - f0[i]! - 0.25)) as unknown as Vec3;
    const d = Lattice.toCartesian(input.lattice, df); // ideal: (a/4)(1, 1, 1)
    expect(Math.abs(d[0] - d[1])).toBeLessThan(0.02);
    expect(Math.abs(d[1] - d[2])).toBeLessThan(1e-6);
    for (const f of r.forcesEvPerA.flat()) expect(Math.abs(f)).toBeLessThan(0.03);
  });

  it('reads a vc-relax: final cell from "Begin final coordinates", energy of the final scf', () => {
    const out = parsePwOutput(fixture('si-vc-relax.out'));
    expect(out.ionic?.converged).toBe(true);
    const r = toDftResult(out, { calculation: 'vc-relax', input: siliconDiamond(5.3) });
    const a = 2 * r.finalStructure!.lattice[0][1];
    expect(a).toBeGreaterThan(5.44);
    expect(a).toBeLessThan(5.51);
    const finalScf = fixture('si-vc-relax.out').split('Final scf calculation')[1]!;
    expect(finalScf).toMatch(new RegExp(`!\\s+total energy\\s+=\\s+${out.energyRy!.toFixed(8)}`));
  });

  it('reads a vc-relax stopped by nstep: not converged, last printed geometry', () => {
    const out = parsePwOutput(fixture('si-vc-relax-nstep.out'));
    expect(out.ionic).toMatchObject({ converged: false, maxStepsReached: true });
    expect(out.jobDone).toBe(true);
    const r = toDftResult(out, { calculation: 'vc-relax', input: siliconDiamond(5.3) });
    expect(r.ionicConverged).toBe(false);
    expect(r.finalStructure!.lattice[0][1]).toBeGreaterThan(2.65); // expanded from 5.30 Å
  });

  it('reads the total magnetization of a spin-polarised run', () => {
    const out = parsePwOutput(fixture('fe-spin.out'));
    expect(out.scfConverged).toBe(true);
    expect(out.totalMagnetization).toBeCloseTo(1.93, 2);
  });

  it('reads the error block of a failed start and refuses to make a result', () => {
    const out = parsePwOutput(fixture('si-missing-pseudo.out'));
    expect(out.error).toMatchObject({ routine: 'readpp', code: 1 });
    expect(out.error!.message).toMatch(/Si\.missing\.UPF not found/);
    expect(() => toDftResult(out, { calculation: 'scf', input: siliconDiamond(5.43) })).toThrow(
      OutputParseError,
    );
  });

  it('reads partial output (a run killed mid-SCF) without throwing', () => {
    const text = fixture('si-scf.out');
    const out = parsePwOutput(text.slice(0, text.indexOf('iteration #  3')));
    expect(out.scfConverged).toBe(false);
    expect(out.jobDone).toBe(false);
    expect(out.scfIterations).toBe(2);
    expect(out.energyRy).not.toBeNull();
    expect(out.wallS).toBeNull();
  });
});

describe('parseQeDuration', () => {
  it.each([
    ['      2.25s ', 2.25],
    ['   1m12.67s ', 72.67],
    ['   1m 0.80s ', 60.8],
    ['  1h 2m ', 3720],
  ])('%s -> %d s', (text, seconds) => {
    expect(parseQeDuration(text)).toBeCloseTo(seconds, 6);
  });
});
