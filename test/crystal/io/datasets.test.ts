/**
 * Every CIF of the shared MP-20, Perov-5 and Carbon-24 CSVs is read; formulas, site counts and
 * validity are checked against the CSV columns, and the MP-20 pilot test split round-trips
 * through every writer.
 */
import { describe, expect, it } from 'vitest';
import {
  checkValidity,
  Composition,
  Lattice,
  readCif,
  readExtxyz,
  readPoscar,
  readQeInput,
  Structure,
  writeCif,
  writeExtxyz,
  writePoscar,
  writeQeCellAndPositions,
} from '../../../crystal/index.js';
import { dataPath, readCsvRows } from '../data.js';
import { fracDiff, latticeDiff } from '../helpers.js';

const MP20 = [
  ['mp_20/pilot_first1000/train.csv.gz', 1000],
  ['mp_20/pilot_first1000/val.csv.gz', 1000],
  ['mp_20/pilot_first1000/test.csv.gz', 1000],
  ['mp_20/biternary/test.csv.gz', 7118],
  ['mp_20/biternary/val.csv.gz', 7140],
] as const;

describe('MP-20 CIFs', () => {
  it.each(MP20)('reads every CIF of %s with the right formula, sites and validity', (file, rows) => {
    const table = readCsvRows(dataPath(file));
    expect(table).toHaveLength(rows);
    const problems: string[] = [];
    for (const row of table) {
      const s = readCif(row.cif!, { source: `${file}:${row.material_id}` });
      const sum =
        /_chemical_formula_sum\s+'([^']+)'/.exec(row.cif!)?.[1] ??
        /_chemical_formula_sum\s+(\S+)/.exec(row.cif!)![1]!;
      if (!Composition.equals(Composition.fromSpecies(s.species), Composition.parse(sum)))
        problems.push(`${row.material_id}: sites ≠ ${sum}`);
      if (Structure.reducedFormula(s) !== row.pretty_formula)
        problems.push(`${row.material_id}: ${Structure.reducedFormula(s)} ≠ ${row.pretty_formula}`);
      const elements = JSON.parse(row.elements!.replace(/'/g, '"')) as string[];
      if (Structure.chemicalSystem(s) !== [...elements].sort().join('-'))
        problems.push(`${row.material_id}: elements`);
      const v = checkValidity(s);
      if (!v.valid) problems.push(`${row.material_id}: ${v.reasons.map((r) => r.message).join('; ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('round-trips the pilot test split through CIF, POSCAR, extended XYZ and pw.x blocks', () => {
    const table = readCsvRows(dataPath('mp_20/pilot_first1000/test.csv.gz'));
    const structures = table.map((row) => readCif(row.cif!));
    const worst = {
      cifParams: 0,
      cifFrac: 0,
      poscarLattice: 0,
      poscarFrac: 0,
      xyzLattice: 0,
      xyzFrac: 0,
      qeLattice: 0,
      qeFrac: 0,
    };
    const bump = (k: keyof typeof worst, x: number) => (worst[k] = Math.max(worst[k], x));
    for (const s of structures) {
      const cif = readCif(writeCif(s));
      expect(cif.species).toEqual(s.species);
      const p0 = Lattice.parameters(s.lattice);
      bump('cifParams', Math.max(...Lattice.parameters(cif.lattice).map((x, i) => Math.abs(x - p0[i]!))));
      bump('cifFrac', fracDiff(cif.fracCoords, s.fracCoords));

      const pos = readPoscar(writePoscar(s));
      expect(pos.species).toEqual(s.species);
      bump('poscarLattice', latticeDiff(pos.lattice, s.lattice));
      bump('poscarFrac', fracDiff(pos.fracCoords, s.fracCoords));

      const [frame] = readExtxyz(writeExtxyz([{ structure: s }]));
      expect(frame!.structure.species).toEqual(s.species);
      bump('xyzLattice', latticeDiff(frame!.structure.lattice, s.lattice));
      bump('xyzFrac', fracDiff(frame!.structure.fracCoords, s.fracCoords));

      const pwi = `&system\n  ibrav = 0, nat = ${s.species.length}, ntyp = 1\n/\n${writeQeCellAndPositions(s)}`;
      const qe = readQeInput(pwi);
      expect(qe.species).toEqual(s.species);
      bump('qeLattice', latticeDiff(qe.lattice, s.lattice));
      bump('qeFrac', fracDiff(qe.fracCoords, s.fracCoords));
    }
    expect(worst.cifParams).toBeLessThan(1e-7);
    expect(worst.cifFrac).toBeLessThan(1e-8);
    for (const k of ['poscarLattice', 'poscarFrac', 'xyzLattice', 'qeLattice', 'qeFrac'] as const)
      expect(worst[k]).toBeLessThan(1e-9);
    expect(worst.xyzFrac).toBeLessThan(1e-9);
  });
});

describe('Perov-5 and Carbon-24 CIFs', () => {
  it.each([
    ['perov_5/test.csv', 3785, 5],
    ['carbon_24/test.csv', 2030, 0],
  ] as const)('reads every CIF of %s', (file, rows, atoms) => {
    const table = readCsvRows(dataPath(file));
    expect(table).toHaveLength(rows);
    for (const row of table) {
      const s = readCif(row.cif!);
      if (atoms) expect(s.species.length).toBe(atoms);
      else expect(new Set(s.species)).toEqual(new Set(['C']));
    }
  });
});
