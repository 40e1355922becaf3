import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Lattice, readPoscar, Structure, StructureParseError, writePoscar } from '../../../crystal/index.js';
import { dataPath } from '../data.js';
import { fracDiff, latticeDiff, rockSaltPrimitive } from '../helpers.js';

const fixture = (run: string, file: string) => readFileSync(dataPath('vasp_fixtures', run, file), 'utf8');

/** Raw numbers of lines [from, to) (1-based from), first three columns. */
const rows = (text: string, from: number, count: number) =>
  text
    .split('\n')
    .slice(from - 1, from - 1 + count)
    .map((l) => l.trim().split(/\s+/).slice(0, 3).map(Number));

describe('readPoscar on the VASP fixtures', () => {
  it.each([
    ['parse-vasp-no-magmoms', 'POSCAR', 'Nb2CO', 32],
    ['parse-vasp-no-magmoms', 'CONTCAR', 'Nb2CO', 32],
    ['parse-vasp-with-magmoms', 'POSCAR', 'LiCl', 40],
    ['parse-vasp-with-magmoms', 'CONTCAR', 'LiCl', 40],
  ])('%s/%s', (run, file, formula, n) => {
    const text = fixture(run, file);
    const s = readPoscar(text, { source: file });
    expect(s.species).toHaveLength(n);
    expect(Structure.reducedFormula(s)).toBe(formula);
    expect(s.lattice).toEqual(rows(text, 3, 3)); // scale 1.0: the rows as written
    // Direct coordinates as written, modulo wrapping of the -0.0000… and 0.99… entries.
    expect(fracDiff(s.fracCoords, rows(text, 9, n) as never)).toBeLessThan(1e-15);
  });

  it('reads the species blocks in order (Nb16 C8 O8) and survives a write/read round trip', () => {
    const s = readPoscar(fixture('parse-vasp-no-magmoms', 'CONTCAR'));
    expect(s.species.slice(14, 18)).toEqual(['Nb', 'Nb', 'C', 'C']);
    expect(s.species.slice(22, 26)).toEqual(['C', 'C', 'O', 'O']);
    const back = readPoscar(writePoscar(s));
    expect(latticeDiff(back.lattice, s.lattice)).toBeLessThan(1e-10);
    expect(fracDiff(back.fracCoords, s.fracCoords)).toBeLessThan(1e-10);
    expect(back.species).toEqual(s.species);
  });
});

describe('readPoscar variants', () => {
  const body = (scale: string, mode: string, coords: string) =>
    `NaCl\n${scale}\n 0 2.82 2.82\n 2.82 0 2.82\n 2.82 2.82 0\nNa Cl\n1 1\n${mode}\n${coords}`;

  it('applies a negative scale as the cell volume, per-axis scales and Cartesian coordinates', () => {
    const vol = readPoscar(body('-50.0', 'Direct', '0 0 0\n0.5 0.5 0.5'));
    expect(Structure.volume(vol)).toBeCloseTo(50, 10);
    expect(vol.fracCoords[1]).toEqual([0.5, 0.5, 0.5]);
    const axes = readPoscar(body('1 2 3', 'Direct', '0 0 0\n0.5 0.5 0.5'));
    [2.82, 0, 8.46].forEach((x, i) => expect(axes.lattice[1][i]).toBeCloseTo(x, 12));
    // Cartesian coordinates are scaled too: (1.41, 1.41, 1.41) × 2 = half the doubled body diagonal.
    const cart = readPoscar(body('2.0', 'Cartesian', '0 0 0\n1.41 1.41 1.41'));
    expect(cart.lattice[0]).toEqual([0, 5.64, 5.64]);
    cart.fracCoords[1]!.forEach((x) => expect(x).toBeCloseTo(0.25, 12));
    const k = readPoscar(body('1.0', 'k', '0 0 0\n2.82 2.82 2.82'));
    k.fracCoords[1]!.forEach((x) => expect(x).toBeCloseTo(0.5, 12));
  });

  it('ignores selective dynamics flags, labels and velocities; accepts VASP 4 with species in the comment', () => {
    const sd = readPoscar(
      `NaCl\n1.0\n 0 2.82 2.82\n 2.82 0 2.82\n 2.82 2.82 0\nNa Cl\n1 1\nSelective dynamics\nDirect\n0 0 0 F F F Na\n0.5 0.5 0.5 T T T Cl\n\n0 0 0\n0 0 0\n`,
    );
    expect(sd.species).toEqual(['Na', 'Cl']);
    expect(sd.fracCoords[1]).toEqual([0.5, 0.5, 0.5]);
    const v4 = readPoscar(
      `Na Cl\n1.0\n 0 2.82 2.82\n 2.82 0 2.82\n 2.82 2.82 0\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n`,
    );
    expect(v4.species).toEqual(['Na', 'Cl']);
    const potcar = readPoscar(body('1.0', 'Direct', '0 0 0\n0.5 0.5 0.5').replace('Na Cl', 'Na_pv/8a3b Cl'));
    expect(potcar.species).toEqual(['Na', 'Cl']);
  });

  it('writes a VASP 5 POSCAR with species runs in site order', () => {
    const s = rockSaltPrimitive();
    expect(writePoscar(s)).toBe(
      [
        'Na1Cl1',
        '1.0',
        '    0.0000000000    2.8200000000    2.8200000000',
        '    2.8200000000    0.0000000000    2.8200000000',
        '    2.8200000000    2.8200000000    0.0000000000',
        '  Na  Cl',
        '   1   1',
        'Direct',
        '  0.0000000000  0.0000000000  0.0000000000',
        '  0.5000000000  0.5000000000  0.5000000000',
        '',
      ].join('\n'),
    );
    const interleaved = Structure.create(
      Lattice.cubic(5),
      ['O', 'Si', 'O'],
      [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
        [0.25, 0.25, 0.25],
      ],
    );
    const text = writePoscar(interleaved, { comment: 'quartz-ish' });
    expect(text.split('\n').slice(5, 7)).toEqual(['   O  Si   O', '   1   1   1']);
    expect(readPoscar(text).species).toEqual(['O', 'Si', 'O']);
  });
});

describe('readPoscar errors name the line', () => {
  const good = `NaCl\n1.0\n 0 2.82 2.82\n 2.82 0 2.82\n 2.82 2.82 0\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n`;
  const expectError = (text: string, pattern: RegExp, line: number) => {
    let caught: unknown;
    try {
      readPoscar(text, { source: 'POSCAR' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StructureParseError);
    expect((caught as StructureParseError).message).toMatch(pattern);
    expect((caught as StructureParseError).line).toBe(line);
    expect((caught as StructureParseError).message).toContain(`POSCAR, line ${line}`);
  };
  it('reports bad numbers, species, counts and truncation', () => {
    expectError(good.replace(' 2.82 0 2.82', ' 2.82 x 2.82'), /expected 3 numbers for the lattice vector/, 4);
    expectError(good.replace('Na Cl', 'Na Qq'), /species 2 "Qq" is not an element/, 6);
    expectError(good.replace('1 1', '1 one'), /expected 2 non-negative integer counts/, 7);
    expectError(
      good.replace('0.5 0.5 0.5\n', ''),
      /expected the position of atom 2, found an empty line/,
      10,
    );
    expectError(good.replace('0.5 0.5 0.5', '0.5 0.5'), /expected 3 numbers for the position/, 10);
    expectError(good.replace('Na Cl\n', ''), /no species line \(VASP 4 format\)/, 6);
    expectError('NaCl', /expected the scale factor, found the end of the file/, 2);
  });
});
