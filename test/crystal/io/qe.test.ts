import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BOHR_IN_ANGSTROM,
  Lattice,
  readQeInput,
  readQeOutput,
  Structure,
  StructureParseError,
  writeQeCellAndPositions,
  type Mat3,
  type Vec3,
} from '../../../crystal/index.js';
import { fixturePath } from '../data.js';
import { fracDiff, latticeDiff, siliconConventional } from '../helpers.js';

const read = (name: string) => readFileSync(fixturePath(name), 'utf8');
const scale = (m: readonly (readonly number[])[], f: number) =>
  m.map((r) => r.map((x) => x * f)) as unknown as Mat3;
const cartToFrac = (cell: Mat3, xs: readonly Vec3[]) => xs.map((x) => Lattice.toFractional(cell, x));

// Fixtures: real pw.x 6.7 runs of 2-atom Si (vc-relax with an angstrom cell; relax with celldm(1) = 10.26 bohr).
describe('readQeInput', () => {
  it('reads CELL_PARAMETERS angstrom + ATOMIC_POSITIONS crystal', () => {
    const s = readQeInput(read('si-vc-relax.pwi'));
    expect(s.lattice).toEqual([
      [0, 2.8, 2.7],
      [2.75, 0, 2.72],
      [2.71, 2.74, 0],
    ]);
    expect(s.species).toEqual(['Si', 'Si']);
    expect(s.fracCoords).toEqual([
      [0, 0, 0],
      [0.27, 0.24, 0.25],
    ]);
  });

  it('reads CELL_PARAMETERS alat + ATOMIC_POSITIONS alat with celldm(1)', () => {
    const s = readQeInput(read('si-relax.pwi'));
    const alat = 10.26 * BOHR_IN_ANGSTROM;
    const cell = scale(
      [
        [-0.5, 0, 0.5],
        [0, 0.5, 0.5],
        [-0.5, 0.5, 0],
      ],
      alat,
    );
    expect(latticeDiff(s.lattice, cell)).toBeLessThan(1e-12);
    const want = cartToFrac(cell, [[0, 0, 0], scale([[0.27, 0.24, 0.25]], alat)[0]!]);
    expect(fracDiff(s.fracCoords, want)).toBeLessThan(1e-12);
  });

  it('understands bohr, A =, braces, comments, Fortran exponents, fractions and labels', () => {
    const text = `! a hand-written input
&CONTROL
  calculation = 'scf' ! comment
  pseudo_dir = './pseudo/dir/'
/
&SYSTEM
  ibrav = 0, A = 5.0d0, nat = 3, ntyp = 2 /
ATOMIC_SPECIES
  Fe1  55.845  Fe.pbe.UPF
  O    15.999  O.pbe.UPF
CELL_PARAMETERS {bohr}
  10.0 0.0 0.0   # first vector
  0.0 1.0D1 0.0
  0.0 0.0 10.0
ATOMIC_POSITIONS {angstrom}
  Fe1 0.0 0.0 0.0 0 0 0
  O   1/2 0.0 0.0
  O   0.0 2.6458860545 0.0
K_POINTS gamma
`;
    const s = readQeInput(text);
    expect(s.species).toEqual(['Fe', 'O', 'O']);
    expect(s.lattice[1][1]).toBeCloseTo(10 * BOHR_IN_ANGSTROM, 12);
    expect(s.fracCoords[1]![0]).toBeCloseTo(0.5 / (10 * BOHR_IN_ANGSTROM), 12);
    expect(s.fracCoords[2]![1]).toBeCloseTo(0.5, 9);
    // alat positions with A = 5 Å.
    const alatText = text.replace('{angstrom}', '(alat)').replace('0.0 2.6458860545 0.0', '0.0 0.5 0.0');
    expect(readQeInput(alatText).fracCoords[2]![1]).toBeCloseTo(2.5 / (10 * BOHR_IN_ANGSTROM), 12);
  });

  it('round-trips writeQeCellAndPositions and matches the golden text', () => {
    const si = Structure.create(
      [
        [0, 2.715, 2.715],
        [2.715, 0, 2.715],
        [2.715, 2.715, 0],
      ],
      ['Si', 'Si'],
      [
        [0, 0, 0],
        [0.25, 0.25, 0.25],
      ],
    );
    expect(writeQeCellAndPositions(si)).toBe(
      [
        'CELL_PARAMETERS angstrom',
        '    0.0000000000    2.7150000000    2.7150000000',
        '    2.7150000000    0.0000000000    2.7150000000',
        '    2.7150000000    2.7150000000    0.0000000000',
        'ATOMIC_POSITIONS crystal',
        'Si     0.0000000000    0.0000000000    0.0000000000',
        'Si     0.2500000000    0.2500000000    0.2500000000',
        '',
      ].join('\n'),
    );
    const big = siliconConventional();
    const pwi = `&control\n/\n&system\n ibrav=0, nat=8, ntyp=1\n/\nATOMIC_SPECIES\nSi 28.085 Si.UPF\n${writeQeCellAndPositions(big)}`;
    const back = readQeInput(pwi);
    expect(latticeDiff(back.lattice, big.lattice)).toBeLessThan(1e-10);
    expect(fracDiff(back.fracCoords, big.fracCoords)).toBeLessThan(1e-10);
  });

  it('rejects other ibrav values and malformed cards, naming line and field', () => {
    const text = read('si-vc-relax.pwi');
    const expectError = (t: string, pattern: RegExp, line?: number, field?: string) => {
      let caught: unknown;
      try {
        readQeInput(t, { source: 'si.pwi' });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StructureParseError);
      expect((caught as Error).message).toMatch(pattern);
      expect((caught as Error).message).toContain('si.pwi');
      expect((caught as StructureParseError).line).toBe(line);
      expect((caught as StructureParseError).field).toBe(field);
    };
    expectError(
      text.replace('ibrav=0', 'ibrav=2, celldm(1)=10.26'),
      /ibrav = 2 is not supported: give the cell as CELL_PARAMETERS/,
      6,
      'ibrav',
    );
    expectError(text.replace('ibrav=0, ', ''), /&system has no ibrav/, undefined, 'ibrav');
    expectError(
      text.replace('2.75 0.00 2.72', '2.75 zero 2.72'),
      /expected 3 numbers in a CELL_PARAMETERS row/,
      19,
      'CELL_PARAMETERS',
    );
    expectError(
      text.replace('  Si 0.27 0.24 0.25\n', ''),
      /ATOMIC_POSITIONS has 1 lines but nat = 2/,
      21,
      'ATOMIC_POSITIONS',
    );
    expectError(
      text.replace('Si 0.27', 'Ge 0.27'),
      /species "Ge" is not listed in ATOMIC_SPECIES/,
      23,
      'ATOMIC_POSITIONS',
    );
    expectError(
      text.replace('ATOMIC_POSITIONS crystal', 'ATOMIC_POSITIONS crystal_sg'),
      /unit "crystal_sg" is not supported/,
      21,
      'ATOMIC_POSITIONS',
    );
    expectError(
      text.replace('CELL_PARAMETERS angstrom', 'CELL_PARAMETERS alat'),
      /CELL_PARAMETERS alat needs celldm\(1\) or A/,
      17,
      'CELL_PARAMETERS',
    );
  });
});

describe('readQeOutput', () => {
  it('takes the final vc-relax cell and positions (Begin/End final coordinates)', () => {
    const s = readQeOutput(read('si-vc-relax.pwo'));
    expect(s.lattice).toEqual([
      [0.011189205, 2.826334828, 2.783667732],
      [2.810871182, 0.015601866, 2.799789965],
      [2.810979813, 2.801263457, -0.025722496],
    ]);
    expect(
      fracDiff(s.fracCoords, [
        [0.0099996226, -0.0049610573, -0.0000373002],
        [0.2600003774, 0.2449610573, 0.2500373002],
      ]),
    ).toBeLessThan(1e-15);
    // pw.x reports the final volume: 44.15677 Å³.
    expect(Structure.volume(s)).toBeCloseTo(44.15677, 4);
  });

  it('takes the cell from the header and the last ATOMIC_POSITIONS (alat) of a relax', () => {
    const s = readQeOutput(read('si-relax.pwo'));
    const alat = 10.26 * BOHR_IN_ANGSTROM;
    const cell = scale(
      [
        [-0.5, 0, 0.5],
        [0, 0.5, 0.5],
        [-0.5, 0.5, 0],
      ],
      alat,
    );
    expect(latticeDiff(s.lattice, cell)).toBeLessThan(1e-12);
    const last = scale(
      [
        [0.0099984649, -0.004997433, 0.0000532298],
        [0.2600015351, 0.244997433, 0.2499467702],
      ],
      alat,
    ) as unknown as Vec3[];
    expect(fracDiff(s.fracCoords, cartToFrac(cell, last))).toBeLessThan(1e-12);
  });

  it('falls back to the header positions of an scf run (output cut before the first step)', () => {
    const text = read('si-relax.pwo').split('\n').slice(0, 120).join('\n');
    const s = readQeOutput(text);
    expect(fracDiff(s.fracCoords, readQeInput(read('si-relax.pwi')).fracCoords)).toBeLessThan(1e-7);
    expect(() => readQeOutput('Program PWSCF v.7\nnothing else')).toThrow(
      /no "crystal axes" table or CELL_PARAMETERS block/,
    );
    expect(() =>
      readQeOutput(read('si-relax.pwo').replace('number of atoms/cell      =            2', '')),
    ).toThrow(/atomic positions before "number of atoms\/cell"/);
  });
});
