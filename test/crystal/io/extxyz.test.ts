import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Lattice,
  readExtxyz,
  Structure,
  StructureParseError,
  writeExtxyz,
  type Vec3,
} from '../../../crystal/index.js';
import { dataPath } from '../data.js';
import { fracDiff, latticeDiff } from '../helpers.js';

const SI = dataPath('mlip/mlearn_zuo2020/extxyz/Si_test.extxyz');
const TIO2 = dataPath('mlip/tio2_artrith2016/tio2_subset.extxyz');

/** Cartesian positions as written in the file for frame 0 (first n atom lines). */
function rawPositions(text: string, n: number): Vec3[] {
  return text
    .split('\n')
    .slice(2, 2 + n)
    .map((l) => l.trim().split(/\s+/).slice(1, 4).map(Number) as unknown as Vec3);
}

describe('readExtxyz on the mlearn Si test set', () => {
  const text = readFileSync(SI, 'utf8');
  const frames = readExtxyz(text, { source: 'Si_test.extxyz' });

  it('reads all 25 frames (1525 atoms) with energies, forces and stresses', () => {
    expect(frames).toHaveLength(25);
    expect(frames.reduce((n, f) => n + f.structure.species.length, 0)).toBe(1525);
    for (const f of frames) {
      expect(Number.isFinite(f.energy)).toBe(true);
      expect(f.forces).toHaveLength(f.structure.species.length);
      expect(f.stress).toBeDefined();
      expect(f.pbc).toEqual([true, true, true]);
      expect(new Set(f.structure.species)).toEqual(new Set(['Si']));
      expect(f.energy! / f.structure.species.length).toBeGreaterThan(-5.6);
      expect(f.energy! / f.structure.species.length).toBeLessThan(-4.5);
    }
  });

  it('keeps the first frame exactly: lattice, positions (mod cell), labels and info', () => {
    const f = frames[0]!;
    expect(f.structure.species).toHaveLength(63);
    expect(f.energy).toBe(-297.62773938);
    expect(f.structure.lattice).toEqual([
      [15.479828, -3.500864, 24.629585],
      [0, 9.024327, 0.147518],
      [0, 0, 8.738507],
    ]);
    expect(f.forces![0]).toEqual([-0.05394626, 0.05113266, 0.18121306]);
    expect(f.stress![0]).toEqual([1.6996737942e-2, 1.97150467e-3, 1.0745111729e-3]);
    expect(f.info.config_type).toBe('Vacancy');
    expect(f.info.description).toBe('Snapshot 7 of 32 of Vacancy AIMD NVT simulation at 300 K');
    const raw = rawPositions(text, 63).map((x) => Lattice.toFractional(f.structure.lattice, x));
    expect(fracDiff(f.structure.fracCoords, raw)).toBeLessThan(1e-12);
  });

  it('has stress = -virial_stress_kbar × 0.1 / 160.21766208 (ASE sign, eV/Å³)', () => {
    for (const f of frames) {
      const [xx, yy, zz, xy, yz, xz] = f.info.virial_stress_kbar as number[];
      const want = [
        [xx, xy, xz],
        [xy, yy, yz],
        [xz, yz, zz],
      ].map((r) => r.map((v) => (-v! * 0.1) / 160.21766208));
      f.stress!.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 9)));
    }
  });

  it('round-trips through writeExtxyz', () => {
    const back = readExtxyz(writeExtxyz(frames));
    expect(back).toHaveLength(frames.length);
    back.forEach((b, k) => {
      const f = frames[k]!;
      expect(latticeDiff(b.structure.lattice, f.structure.lattice)).toBe(0);
      expect(fracDiff(b.structure.fracCoords, f.structure.fracCoords)).toBeLessThan(1e-10);
      expect(b.energy).toBe(f.energy);
      expect(b.stress).toEqual(f.stress);
      expect(b.info).toEqual(f.info);
      const worst = Math.max(
        ...b.forces!.flatMap((v, i) => v.map((x, j) => Math.abs(x - f.forces![i]![j]!))),
      );
      expect(worst).toBeLessThan(1e-10);
    });
  });
});

describe('readExtxyz on the TiO2 set', () => {
  it('reads 1000 frames, 21285 atoms, forces, no stress, string info', () => {
    const frames = readExtxyz(readFileSync(TIO2, 'utf8'));
    expect(frames).toHaveLength(1000);
    expect(frames.reduce((n, f) => n + f.structure.species.length, 0)).toBe(21285);
    const f = frames[0]!;
    expect(Structure.reducedFormula(f.structure)).toBe('TiO2');
    expect(f.energy).toBe(-19960.6617326);
    expect(f.stress).toBeUndefined();
    expect(f.info.source_file).toBe('structure0001');
    expect(f.forces![0]).toEqual([0.07592985, -0.4042763, 0.69417754]);
    expect(frames.every((x) => x.forces!.length === x.structure.species.length)).toBe(true);
  });
});

describe('extended XYZ details', () => {
  const frame = (comment: string, atoms = 'Si 0 0 0\nSi 1.3575 1.3575 1.3575') => `2\n${comment}\n${atoms}\n`;
  const lattice = 'Lattice="0 2.715 2.715 2.715 0 2.715 2.715 2.715 0"';

  it('types values like ASE, reads Voigt stress, extra columns and flags', () => {
    const [f] = readExtxyz(
      frame(
        `${lattice} Properties=species:S:1:pos:R:3:magmoms:R:1:fixed:L:1 energy=-10.5 stress="1 2 3 4 5 6" n=3 ok=T tags="1 2 3" name='a b' bare`,
        'Si 0 0 0 0.5 T\nSi 1.3575 1.3575 1.3575 -0.5 F',
      ),
    );
    expect(f!.stress).toEqual([
      [1, 6, 5],
      [6, 2, 4],
      [5, 4, 3],
    ]);
    expect(f!.info).toEqual({ n: 3, ok: true, tags: [1, 2, 3], name: 'a b', bare: true });
    expect(f!.arrays).toEqual({ magmoms: [[0.5], [-0.5]], fixed: [[true], [false]] });
    expect(f!.forces).toBeUndefined();
    expect(f!.structure.fracCoords[1]).toEqual([0.25, 0.25, 0.25]);
  });

  it('writes info values so they read back', () => {
    const s = readExtxyz(frame(lattice))[0]!.structure;
    const text = writeExtxyz([
      {
        structure: s,
        energy: -1.25,
        info: { config_type: 'Elastic', note: 'two words "quoted"', k: [1, 2], flag: false },
      },
    ]);
    expect(text.split('\n')[1]).toBe(
      'Lattice="0 2.715 2.715 2.715 0 2.715 2.715 2.715 0" Properties=species:S:1:pos:R:3 energy=-1.25 pbc="T T T" ' +
        'config_type=Elastic note="two words \\"quoted\\"" k="1 2" flag=F',
    );
    expect(readExtxyz(text)[0]!.info).toEqual({
      config_type: 'Elastic',
      note: 'two words "quoted"',
      k: [1, 2],
      flag: false,
    });
  });

  it('names the frame, line and field in errors', () => {
    const bad = (text: string, pattern: RegExp, line: number) => {
      let caught: unknown;
      try {
        readExtxyz(text, { source: 'x.extxyz' });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StructureParseError);
      expect((caught as Error).message).toMatch(pattern);
      expect((caught as StructureParseError).line).toBe(line);
    };
    const good = frame(lattice);
    bad(
      good + frame(lattice, 'Si 0 0 0\nSi 1 1'),
      /frame 2: atom line has 3 columns, Properties describes 4/,
      8,
    );
    bad(frame('energy=1'), /frame 1: no Lattice="\.\.\."/, 2);
    bad(frame('Lattice="1 2 3"'), /Lattice must hold 9 numbers/, 2);
    // Used to escape as "lattice matrix is singular (volume ~ 0)", with no file or line.
    bad(
      frame('Lattice="5 0 0 0 5 0 0 0 0"'),
      /x\.extxyz, line 2\] \(Lattice\): frame 1: .*has zero volume/,
      2,
    );
    bad(`two\n${lattice}\n`, /expected a positive atom count, got "two"/, 1);
    bad(frame(lattice, 'Si 0 0 0'), /expected 2 atom lines, found 1/, 4);
    bad(frame(lattice, 'Si 0 0 0\nXx 1 1 1'), /"Xx" is not an element symbol/, 4);
    bad(frame(`${lattice} energy=high`), /energy must be a number/, 2);
    bad(frame(`${lattice} note="open`), /unterminated " quote/, 2);
    bad(frame(`${lattice} Properties=species:S:1:pos:Q:3`), /bad type or count/, 2);
  });
});
