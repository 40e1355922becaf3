import { describe, expect, it } from 'vitest';
import {
  Lattice,
  parseSymmetryOperation,
  readCif,
  readCifAll,
  Structure,
  StructureParseError,
  writeCif,
  type Vec3,
} from '../../../crystal/index.js';
import { fracDiff, siliconConventional } from '../helpers.js';

const RUTILE_OPS = [
  'x, y, z',
  '-x, -y, z',
  '-y+1/2, x+1/2, z+1/2',
  'y+1/2, -x+1/2, z+1/2',
  '-x+1/2, y+1/2, -z+1/2',
  'x+1/2, -y+1/2, -z+1/2',
  'y, x, -z',
  '-y, -x, -z',
  '-x, -y, -z',
  'x, y, -z',
  'y+1/2, -x+1/2, -z+1/2',
  '-y+1/2, x+1/2, -z+1/2',
  'x+1/2, -y+1/2, z+1/2',
  '-x+1/2, y+1/2, z+1/2',
  '-y, -x, z',
  'y, x, z',
];

/** Rutile TiO2 (P4_2/mnm) in the symmetry-reduced form of an ICSD-style CIF. */
const RUTILE = `# rutile, hand-written test CIF
data_TiO2_rutile
_chemical_name_mineral 'rutile'
_journal_coden_ASTM "AMMIAY"  # comment after a value
_publ_author_name 'O'Brien, R.'
_publ_section_title
;
Structure of rutile;
a test text field with 'quotes' and _underscores
;
_cell_length_a   4.5937(1)
_cell_length_b   4.5937(1)
_cell_length_c   2.9587(2)
_cell_angle_alpha 90
_cell_angle_beta  90.0
_cell_angle_gamma 90.00
_symmetry_space_group_name_H-M 'P 42/m n m'
loop_
_space_group_symop_id
_space_group_symop_operation_xyz
${RUTILE_OPS.map((op, i) => `${i + 1} '${op}'`).join('\n')}
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Ti1 Ti4+ 0 0 0 1.0
O1 O2- 0.30478(6) 0.30478(6) 0 1.
`;

/** Wurtzite ZnO (P6_3mc) with 1/3, 2/3 written to four decimals: images must merge. */
const WURTZITE = `data_ZnO
_cell_length_a 3.2495
_cell_length_b 3.2495
_cell_length_c 5.2069
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 120
loop_
_symmetry_equiv_pos_as_xyz
x,y,z
-y,x-y,z
-x+y,-x,z
-x,-y,z+1/2
y,-x+y,z+1/2
x-y,x,z+1/2
-y,-x,z
-x+y,y,z
x,x-y,z
y,x,z+1/2
x-y,-y,z+1/2
-x,-x+y,z+1/2
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Zn1 0.3333 0.6667 0.0
O1 0.3333 0.6667 0.3825
`;

function expectSites(s: Structure, want: [string, Vec3][]): void {
  expect(s.species.length).toBe(want.length);
  for (const [el, f] of want) {
    const hit = s.fracCoords.some((g, i) => s.species[i] === el && fracDiff([g], [f]) < 1e-4);
    expect(hit, `${el} at ${f.join(' ')}`).toBe(true);
  }
}

describe('symmetry operations', () => {
  it('parses xyz notation with fractions, coefficients and constants first', () => {
    expect(parseSymmetryOperation('-x+1/2, y, -z')).toEqual({
      rotation: [
        [-1, 0, 0],
        [0, 1, 0],
        [0, 0, -1],
      ],
      translation: [0.5, 0, 0],
    });
    expect(parseSymmetryOperation('X-Y, 1/3+x, z+0.25').rotation).toEqual([
      [1, -1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(parseSymmetryOperation('x-y,x,z+1/3').translation[2]).toBeCloseTo(1 / 3, 15);
    expect(parseSymmetryOperation('2*x, 1/2y, -z/2').rotation).toEqual([
      [2, 0, 0],
      [0, 0.5, 0],
      [0, 0, -0.5],
    ]);
    expect(() => parseSymmetryOperation('x, y')).toThrow(/expected 3 comma-separated components/);
    expect(() => parseSymmetryOperation('x, y, w')).toThrow(/cannot read term "w"/);
  });
});

describe('readCif', () => {
  it('expands rutile P4_2/mnm to Ti2O4, dropping duplicates on special positions', () => {
    const s = readCif(RUTILE);
    const [a, , c] = Lattice.parameters(s.lattice);
    expect(a).toBeCloseTo(4.5937, 10);
    expect(c).toBeCloseTo(2.9587, 10);
    expect(Structure.reducedFormula(s)).toBe('TiO2');
    const x = 0.30478;
    expectSites(s, [
      ['Ti', [0, 0, 0]],
      ['Ti', [0.5, 0.5, 0.5]],
      ['O', [x, x, 0]],
      ['O', [1 - x, 1 - x, 0]],
      ['O', [0.5 + x, 0.5 - x, 0.5]],
      ['O', [0.5 - x, 0.5 + x, 0.5]],
    ]);
  });

  it('merges images of coordinates given to four decimals (wurtzite)', () => {
    const s = readCif(WURTZITE);
    expectSites(s, [
      ['Zn', [1 / 3, 2 / 3, 0]],
      ['Zn', [2 / 3, 1 / 3, 0.5]],
      ['O', [1 / 3, 2 / 3, 0.3825]],
      ['O', [2 / 3, 1 / 3, 0.8825]],
    ]);
    // With a tolerance below the rounding error the images no longer merge.
    expect(readCif(WURTZITE, { siteTolerance: 1e-6 }).species.length).toBeGreaterThan(4);
  });

  it('reads several data blocks', () => {
    const all = readCifAll(`${RUTILE}\n${WURTZITE}`);
    expect(all.map((e) => e.name)).toEqual(['TiO2_rutile', 'ZnO']);
    expect(all.map((e) => e.structure.species.length)).toEqual([6, 4]);
  });

  it('round-trips through writeCif (lattice parameters and fractional coordinates)', () => {
    const s = readCif(RUTILE);
    const text = writeCif(s);
    expect(text).toContain("_chemical_formula_sum   'Ti2 O4'");
    expect(text).toContain('_cell_formula_units_Z   2');
    const back = readCif(text);
    Lattice.parameters(back.lattice).forEach((p, i) =>
      expect(p).toBeCloseTo(Lattice.parameters(s.lattice)[i]!, 7),
    );
    expect(back.species).toEqual(s.species);
    expect(fracDiff(back.fracCoords, s.fracCoords)).toBeLessThan(1e-8);
    const si = siliconConventional();
    expect(writeCif(si)).toMatch(/^data_Si$/m);
    expect(writeCif(si)).toMatch(/^ {2}Si {2}Si7 {2}1 {2}0\.75000000 {2}0\.75000000 {2}0\.25000000 {2}1$/m);
  });
});

describe('readCif errors name the line and field', () => {
  const base = WURTZITE;
  const expectError = (text: string, pattern: RegExp, line?: number, field?: string) => {
    try {
      readCif(text, { source: 'bad.cif' });
    } catch (err) {
      expect(err).toBeInstanceOf(StructureParseError);
      const e = err as StructureParseError;
      expect(e.message).toMatch(pattern);
      expect(e.message).toContain('bad.cif');
      if (line !== undefined) expect(e.line).toBe(line);
      if (field !== undefined) expect(e.field).toBe(field);
      return;
    }
    throw new Error('expected a StructureParseError');
  };

  it('reports missing and malformed cell parameters', () => {
    expectError(base.replace('_cell_length_b 3.2495\n', ''), /missing _cell_length_b/, 1, '_cell_length_b');
    expectError(
      base.replace('_cell_length_c 5.2069', '_cell_length_c abc'),
      /_cell_length_c is "abc", not a positive number/,
      4,
      '_cell_length_c',
    );
  });

  it('reports syntax errors: loop value counts, quotes, text fields, stray values', () => {
    expectError(
      base.replace('O1 0.3333 0.6667 0.3825', 'O1 0.3333 0.6667'),
      /loop_ with 4 tags has 7 values/,
      28,
    );
    expectError(base.replace('_cell_angle_gamma 120', "_cell_angle_gamma '120"), /unterminated ' quote/, 7);
    expectError(`${base}_note\n;\nnever closed\n`, /text field opened with ";" is never closed/, 30);
    expectError(base.replace('_cell_angle_beta 90', '_cell_angle_beta 90 91'), /unexpected "91"/, 6);
    expectError('loop_\n_a\n1\n', /expected "data_<name>"/, 1);
  });

  it('reports bad symmetry, elements, occupancies and coordinates', () => {
    expectError(
      base.replace('-y,x-y,z', '-y,x-y'),
      /symmetry operation "-y,x-y": expected 3/,
      11,
      '_symmetry_equiv_pos_as_xyz',
    );
    expectError(base.replace('Zn1 0.3333', 'Xq1 0.3333'), /site Xq1: "Xq1" is not an element/, 27);
    expectError(
      base.replace('0.3825', '0.38.25'),
      /site O1: z = "0.38.25" is not a number/,
      28,
      '_atom_site_fract_z',
    );
    expectError(
      RUTILE.replace('O1 O2- 0.30478(6) 0.30478(6) 0 1.', 'O1 O2- 0.30478(6) 0.30478(6) 0 0.5'),
      /site O1 has occupancy 0.5: disordered/,
      undefined,
      '_atom_site_occupancy',
    );
    expectError(
      RUTILE.replace(/loop_\n_space_group_symop_id[\s\S]*?(?=loop_)/, ''),
      /space group "P 42\/m n m" but no symmetry operations/,
      undefined,
      '_symmetry_space_group_name_h-m',
    );
  });
});
