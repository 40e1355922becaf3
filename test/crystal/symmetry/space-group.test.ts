/**
 * Space groups and symmetrization through moyo: textbook structures with known groups, a
 * rattled crystal at loose and tight tolerance, invariance under choices that do not change the
 * crystal, clear errors, and agreement with Materials Project (and spglib, when the trainer's venv
 * has it) on MP-20 structures.
 */
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Element } from '../../../crystal/elements.js';
import { Lattice, norm, type Mat3, type Vec3 } from '../../../crystal/lattice.js';
import { StructureMatcher } from '../../../crystal/matcher/index.js';
import { Structure } from '../../../crystal/structure.js';
import { supercell } from '../../../crystal/supercell.js';
import {
  SymmetryError,
  spaceGroupOf,
  symmetrize,
  type SpaceGroupOptions,
} from '../../../crystal/symmetry/index.js';
import { readMp20 } from '../matcher/mp20-data.js';
import { permuted, randomRotation, rng, rotated, translated } from '../matcher/transforms.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');

const si = Structure.create(
  Lattice.fcc(5.431),
  ['Si', 'Si'],
  [
    [0, 0, 0],
    [0.25, 0.25, 0.25],
  ],
);
const nacl = Structure.create(
  Lattice.fcc(5.64),
  ['Na', 'Cl'],
  [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
  ],
);
const cscl = Structure.create(
  Lattice.cubic(4.12),
  ['Cs', 'Cl'],
  [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
  ],
);
const mg = Structure.create(
  Lattice.hexagonal(3.209, 5.211),
  ['Mg', 'Mg'],
  [
    [1 / 3, 2 / 3, 0.25],
    [2 / 3, 1 / 3, 0.75],
  ],
);
const u = 0.3048; // rutile O parameter
const rutile = Structure.create(
  Lattice.fromParameters(4.594, 4.594, 2.959, 90, 90, 90),
  ['Ti', 'Ti', 'O', 'O', 'O', 'O'],
  [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
    [u, u, 0],
    [1 - u, 1 - u, 0],
    [0.5 + u, 0.5 - u, 0.5],
    [0.5 - u, 0.5 + u, 0.5],
  ],
);
const uz = 0.382; // wurtzite O parameter
const wurtzite = Structure.create(
  Lattice.hexagonal(3.25, 5.207),
  ['Zn', 'Zn', 'O', 'O'],
  [
    [1 / 3, 2 / 3, 0],
    [2 / 3, 1 / 3, 0.5],
    [1 / 3, 2 / 3, uz],
    [2 / 3, 1 / 3, 0.5 + uz],
  ],
);

interface Known {
  readonly name: string;
  readonly s: Structure;
  readonly number: number;
  readonly symbol: string;
  /** In the spglib setting. */
  readonly hallNumber: number;
  readonly crystalSystem: string;
}
const known = (
  ...[name, s, number, symbol, hallNumber, crystalSystem]: [string, Structure, number, string, number, string]
): Known => ({
  name,
  s,
  number,
  symbol,
  hallNumber,
  crystalSystem,
});
const KNOWN: readonly Known[] = [
  known('Si diamond (primitive fcc cell)', si, 227, 'Fd-3m', 525, 'cubic'),
  known('NaCl rock salt', nacl, 225, 'Fm-3m', 523, 'cubic'),
  known('CsCl', cscl, 221, 'Pm-3m', 517, 'cubic'),
  known('hcp Mg', mg, 194, 'P6_3/mmc', 488, 'hexagonal'),
  known('rutile TiO2', rutile, 136, 'P4_2/mnm', 419, 'tetragonal'),
  known('wurtzite ZnO', wurtzite, 186, 'P6_3mc', 480, 'hexagonal'),
];

/** Every site moved by `amplitude` Å in a random direction. */
function rattled(s: Structure, amplitude: number, rand: () => number): Structure {
  const cart = Structure.cartCoords(s).map((x): Vec3 => {
    let d: Vec3;
    do d = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
    while (norm(d) < 0.1);
    const k = amplitude / norm(d);
    return [x[0] + k * d[0], x[1] + k * d[1], x[2] + k * d[2]];
  });
  return Structure.fromCartesian(s.lattice, s.species, cart);
}

/** Largest site displacement (Å) of the best match of a onto b, or Infinity when they do not match. */
function maxDisplacementA(a: Structure, b: Structure): number {
  const d = new StructureMatcher({ scale: false, ltol: 0.05, stol: 0.1, angleTol: 2 }).rmsDist(a, b);
  return d === null ? Infinity : d.maxDist * Math.cbrt(Structure.volumePerAtom(b));
}

const numberOf = (s: Structure, options?: SpaceGroupOptions) => spaceGroupOf(s, options).number;

/** What `f` throws (fails the test when it returns). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, got a result');
}

describe('spaceGroupOf: textbook structures', () => {
  it.each(KNOWN)('$name is $number $symbol', ({ s, number, symbol, hallNumber, crystalSystem }) => {
    expect(spaceGroupOf(s)).toEqual({ number, symbol, hallNumber, crystalSystem, symprecA: 0.1 });
    // Exact input: the same answer at a tight tolerance.
    expect(numberOf(s, { symprecA: 1e-5 })).toBe(number);
  });

  it("the 'standard' setting changes the Hall number (origin choice 2 for Fd-3m), not the group", () => {
    expect(spaceGroupOf(si, { setting: 'standard' })).toMatchObject({
      number: 227,
      symbol: 'Fd-3m',
      hallNumber: 526,
    });
    expect(spaceGroupOf(nacl, { setting: 'standard' }).hallNumber).toBe(523); // one setting only
  });

  it('a distortion lowers the group: wurtzite with c/a strained stays 186, NaCl sheared is not cubic', () => {
    const stretched = Structure.create(Lattice.hexagonal(3.25, 5.5), wurtzite.species, wurtzite.fracCoords);
    expect(numberOf(stretched)).toBe(186);
    const sheared = Structure.create(
      Lattice.fromParameters(3.988, 3.988, 3.988, 60, 60, 62),
      nacl.species,
      nacl.fracCoords,
    );
    expect(spaceGroupOf(sheared).crystalSystem).not.toBe('cubic');
  });
});

describe('rattled Si (0.02 Å)', () => {
  // Conventional 8-atom cube, so that a rattle leaves no symmetry at all (a 2-atom cell always keeps
  // the inversion centre between its two atoms).
  const cube = supercell(si, [
    [-1, 1, 1],
    [1, -1, 1],
    [1, 1, -1],
  ]);
  const shaken = rattled(cube, 0.02, rng(2024));

  it('is Fd-3m at symprec 0.1 and P1 at 1e-4', () => {
    expect(cube.species).toHaveLength(8);
    expect(numberOf(cube, { symprecA: 1e-5 })).toBe(227);
    expect(spaceGroupOf(shaken, { symprecA: 0.1 })).toMatchObject({ number: 227, symbol: 'Fd-3m' });
    expect(spaceGroupOf(shaken, { symprecA: 1e-4 })).toMatchObject({ number: 1, symbol: 'P1' });
  });

  it('symmetrize() gives exact Fd-3m in the primitive cell, within 0.05 Å of the ideal sites', () => {
    const ideal = symmetrize(shaken);
    expect(ideal.species).toEqual(['Si', 'Si']);
    expect(spaceGroupOf(ideal, { symprecA: 1e-5 })).toMatchObject({ number: 227, symbol: 'Fd-3m' });
    const [a, b, c, alpha, beta, gamma] = Lattice.parameters(ideal.lattice);
    expect(a).toBeCloseTo(5.431 / Math.SQRT2, 10);
    for (const len of [b, c]) expect(len).toBeCloseTo(a, 12);
    for (const angle of [alpha, beta, gamma]) expect(angle).toBeCloseTo(60, 10);
    expect(maxDisplacementA(ideal, si)).toBeLessThan(0.05);
    expect(maxDisplacementA(symmetrize(shaken, { cell: 'conventional' }), cube)).toBeLessThan(0.05);
  });

  it('symmetrize() also idealises a strained lattice to the exact cubic metric, keeping the volume', () => {
    const strained = Structure.create(
      [
        [0.01, 2.7, 2.72],
        [2.71, 0, 2.715],
        [2.715, 2.72, 0],
      ],
      si.species,
      [
        [0.001, 0, 0],
        [0.25, 0.25, 0.26],
      ],
    );
    expect(numberOf(strained)).toBe(227);
    const conventional = symmetrize(strained, { cell: 'conventional' });
    expect(conventional.species).toHaveLength(8);
    const [a, b, c, alpha, beta, gamma] = Lattice.parameters(conventional.lattice);
    expect([b, c]).toEqual([expect.closeTo(a, 12), expect.closeTo(a, 12)]);
    expect([alpha, beta, gamma]).toEqual([
      expect.closeTo(90, 10),
      expect.closeTo(90, 10),
      expect.closeTo(90, 10),
    ]);
    expect(Structure.volume(conventional) / 4).toBeCloseTo(Structure.volume(strained), 2);
    expect(numberOf(conventional, { symprecA: 1e-5 })).toBe(227);
  });
});

describe('invariance', () => {
  const nonDiagonal: Mat3 = [
    [2, 1, 0],
    [0, 1, 1],
    [1, 0, 1],
  ];
  it.each(KNOWN)(
    '$name: same group after rotation, translation, permutation and supercells',
    ({ s, number, hallNumber }) => {
      const rand = rng(number);
      const variants = {
        rotated: rotated(s, randomRotation(rand)),
        translated: translated(s, [0.137, -0.42, 0.71]),
        permuted: permuted(s, rand),
        supercell211: supercell(s, [2, 1, 1]),
        nonDiagonalSupercell: supercell(s, nonDiagonal),
        everything: permuted(supercell(rotated(s, randomRotation(rand)), nonDiagonal), rand),
      };
      for (const [how, v] of Object.entries(variants)) {
        const g = spaceGroupOf(v);
        expect({ how, number: g.number, hallNumber: g.hallNumber }).toEqual({ how, number, hallNumber });
      }
      // symmetrize() undoes the supercell: back to the primitive site count, same group.
      const back = symmetrize(variants.everything);
      expect(back.species).toHaveLength(s.species.length);
      expect(numberOf(back, { symprecA: 1e-5 })).toBe(number);
      expect(maxDisplacementA(back, s)).toBeLessThan(1e-6);
    },
  );
});

describe('errors', () => {
  it('overlapping atoms raise a SymmetryError naming them, and the next call still works', () => {
    const overlap = Structure.create(
      Lattice.cubic(4),
      ['Na', 'Cl'],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
    );
    expect(() => spaceGroupOf(overlap)).toThrow(SymmetryError);
    expect(() => spaceGroupOf(overlap)).toThrow(
      /atoms 0 \(Na\) and 1 \(Cl\) are 0\.000 Å apart, closer than symprec 0\.1 Å/,
    );
    expect(thrown(() => symmetrize(overlap))).toMatchObject({
      name: 'SymmetryError',
      code: 'overlapping_atoms',
    });
    expect(numberOf(nacl)).toBe(225);
  });

  it("moyo's own failure (same-species atoms within 2·symprec) is wrapped with the reason", () => {
    const close = Structure.create(
      Lattice.cubic(3),
      ['Na', 'Na'],
      [
        [0, 0, 0],
        [0.05, 0, 0],
      ],
    );
    const caught = thrown(() => spaceGroupOf(close));
    expect(caught).toBeInstanceOf(SymmetryError);
    expect(caught).toMatchObject({ code: 'moyo_failed' });
    expect(caught.message).toMatch(
      /moyo error: .*atoms 0 \(Na\) and 1 \(Na\) are 0\.150 Å apart, within 2 × symprec/,
    );
    // A tolerance below the separation works.
    expect(numberOf(close, { symprecA: 0.01 })).toBe(123);
  });

  it('bad numbers, elements, lattices and options are named', () => {
    const code = (f: () => unknown) => (thrown(f) as SymmetryError).code;
    expect(code(() => spaceGroupOf(Structure.create(Lattice.cubic(3), ['Na'], [[Number.NaN, 0, 0]])))).toBe(
      'non_finite',
    );
    expect(code(() => spaceGroupOf(Structure.create(Lattice.cubic(3), ['Xx'], [[0, 0, 0]])))).toBe(
      'unknown_element',
    );
    const flat: Mat3 = [
      [1, 0, 0],
      [2, 0, 0],
      [0, 0, 1],
    ];
    expect(code(() => spaceGroupOf(Structure.create(flat, ['Na'], [[0, 0, 0]])))).toBe('degenerate_lattice');
    expect(() => spaceGroupOf(Structure.create(Lattice.cubic(0.05), ['Na'], [[0, 0, 0]]))).toThrow(
      /atom 0 \(Na\) is 0\.050 Å from its own periodic image/,
    );
    expect(() => spaceGroupOf(si, { symprecA: 0 })).toThrow(RangeError);
    expect(() => spaceGroupOf(si, { symprecA: Number.NaN })).toThrow(/symprecA must be a positive number/);
    expect(() => spaceGroupOf(si, { angleTolDeg: 5 } as SpaceGroupOptions)).toThrow(
      /angleTolDeg is not supported/,
    );
    expect(() => symmetrize(si, { cell: 'niggli' as 'primitive' })).toThrow(RangeError);
  });
});

describe('MP-20 (pilot_first1000/test, first 50)', () => {
  const entries = readMp20('pilot_first1000/test').slice(0, 50);

  it("agrees with Materials Project's spacegroup.number (symprec 0.1) on at least 48 of 50", () => {
    const disagreements = entries
      .map((e) => ({ id: e.materialId, formula: e.formula, mp: e.spaceGroup, moyo: numberOf(e.structure) }))
      .filter((d) => d.mp !== d.moyo);
    if (disagreements.length > 0) console.log('moyo vs MP disagreements:', disagreements);
    expect(disagreements.length, JSON.stringify(disagreements)).toBeLessThanOrEqual(2);
  });

  it('symmetrize() keeps every group at a tight tolerance (1e-5 Å)', () => {
    for (const e of entries) {
      const g = numberOf(e.structure);
      const ideal = symmetrize(e.structure);
      expect({ id: e.materialId, number: numberOf(ideal, { symprecA: 1e-5 }) }).toEqual({
        id: e.materialId,
        number: g,
      });
      expect(ideal.species.length).toBeLessThanOrEqual(e.structure.species.length);
    }
  });

  const hasSpglib =
    existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import spglib'], { stdio: 'ignore' }).status === 0;

  it.skipIf(!hasSpglib)(
    "agrees with spglib's get_symmetry_dataset (symprec 0.1): number and Hall number, at least 48 of 50",
    async () => {
      const script = [
        'import json, sys, spglib',
        'out = []',
        'for c in json.load(sys.stdin):',
        '    d = spglib.get_symmetry_dataset((c["lattice"], c["positions"], c["numbers"]), symprec=0.1)',
        '    out.append(None if d is None else [d.number, d.hall_number])',
        'print(json.dumps(out))',
      ].join('\n');
      const cells = entries.map(({ structure: s }) => ({
        lattice: s.lattice,
        positions: s.fracCoords,
        numbers: s.species.map((el) => Element.bySymbol(el).z),
      }));
      const run = await execa(PYTHON, ['-c', script], { input: JSON.stringify(cells), timeout: 120_000 });
      const spglib = JSON.parse(run.stdout) as ([number, number] | null)[];
      expect(spglib).toHaveLength(entries.length);
      const disagreements = entries
        .map((e, i) => {
          const g = spaceGroupOf(e.structure);
          return { id: e.materialId, moyo: [g.number, g.hallNumber], spglib: spglib[i] };
        })
        .filter((d) => JSON.stringify(d.moyo) !== JSON.stringify(d.spglib));
      if (disagreements.length > 0) console.log('moyo vs spglib disagreements:', disagreements);
      expect(disagreements.length, JSON.stringify(disagreements)).toBeLessThanOrEqual(2);
    },
  );
});
