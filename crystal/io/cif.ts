/**
 * CIF reader and P1 CIF writer.
 *
 * Reading: cell from `_cell_length_*` / `_cell_angle_*` (Å, degrees; uncertainties such as
 * 5.431(2) are dropped); sites from the `_atom_site_fract_*` loop, the element from
 * `_atom_site_type_symbol` (else `_atom_site_label`); symmetry operations from
 * `_symmetry_equiv_pos_as_xyz` or `_space_group_symop_operation_xyz`. Each site is expanded by every
 * operation and images closer than `siteTolerance` (periodic distance, Å) to an earlier image of the
 * same site are dropped, so sites on special positions appear once. Ordered structures only.
 *
 * The lattice is rebuilt from its parameters (a along x, b in the xy plane), so a CIF round trip
 * keeps lengths, angles and fractional coordinates but not the Cartesian orientation.
 */
import { Composition } from '../composition.js';
import { Element, UnknownElementError } from '../elements.js';
import { Lattice, type Mat3, type Vec3 } from '../lattice.js';
import { Structure } from '../structure.js';
import { cifNumber, findLoopColumn, isMissing, parseCifBlocks, type CifBlock } from './cif-parser.js';
import { StructureParseError, type ReadOptions } from './structure-parse-error.js';
import {
  applySymmetryOperation,
  parseSymmetryOperation,
  type SymmetryOperation,
} from './symmetry-operation.js';

/** Options of {@link readCif}. */
export interface CifReadOptions extends ReadOptions {
  /** Symmetry images of one site closer than this (Å, periodic) are the same atom. Default 0.01. */
  readonly siteTolerance?: number;
  /** Sites with occupancy below 1 - occupancyTolerance are rejected as disordered. Default 0.01. */
  readonly occupancyTolerance?: number;
}

/** One data block read as a structure. */
export interface CifEntry {
  /** Block name (the text after `data_`). */
  readonly name: string;
  readonly structure: Structure;
}

const SYMOP_TAGS = [
  '_symmetry_equiv_pos_as_xyz',
  '_space_group_symop_operation_xyz',
  '_space_group_symop.operation_xyz',
  '_symmetry_equiv.pos_as_xyz',
];
const SPACE_GROUP_TAGS = [
  '_symmetry_space_group_name_h-m',
  '_space_group_name_h-m_alt',
  '_space_group.name_h-m_alt',
];

/** Reads the first data block that lists atom sites. Throws StructureParseError. */
export function readCif(text: string, options: CifReadOptions = {}): Structure {
  const blocks = parseCifBlocks(text, options);
  const block = blocks.find((b) => findLoopColumn(b, '_atom_site_fract_x')) ?? blocks[0]!;
  return blockToStructure(block, options);
}

/** Reads every data block that lists atom sites, in file order. */
export function readCifAll(text: string, options: CifReadOptions = {}): CifEntry[] {
  return parseCifBlocks(text, options)
    .filter((b) => findLoopColumn(b, '_atom_site_fract_x'))
    .map((b) => Object.freeze({ name: b.name, structure: blockToStructure(b, options) }));
}

function blockToStructure(block: CifBlock, options: CifReadOptions): Structure {
  const { source } = options;
  const siteTolerance = options.siteTolerance ?? 0.01;
  const occupancyTolerance = options.occupancyTolerance ?? 0.01;
  const fail = (msg: string, line: number, field?: string): never => {
    throw new StructureParseError('cif', `data_${block.name}: ${msg}`, { source, line, field });
  };

  const cell = ['a', 'b', 'c']
    .map((x) => `_cell_length_${x}`)
    .concat(['alpha', 'beta', 'gamma'].map((x) => `_cell_angle_${x}`));
  const params = cell.map((tag) => {
    const v = block.items.get(tag);
    if (!v) fail(`missing ${tag}`, block.line, tag);
    const x = cifNumber(v);
    if (!Number.isFinite(x) || x <= 0)
      fail(`${tag} is ${JSON.stringify(v!.text)}, not a positive number`, v!.line, tag);
    return x;
  }) as [number, number, number, number, number, number];
  const lattice = Lattice.fromParameters(...params);
  if (!(Math.abs(Lattice.volume(lattice)) > 1e-6))
    fail(`cell parameters ${params.join(', ')} give zero volume`, block.line);

  const ops = symmetryOperations(block, fail);

  const xs = findLoopColumn(block, '_atom_site_fract_x');
  if (!xs)
    fail(
      'no _atom_site_fract_x/_y/_z loop (Cartesian-only sites are not supported)',
      block.line,
      '_atom_site_fract_x',
    );
  const { loop } = xs!;
  const col = (tag: string) => loop.tags.indexOf(tag);
  const [cx, cy, cz] = ['x', 'y', 'z'].map((a) => col(`_atom_site_fract_${a}`)) as [number, number, number];
  if (cy < 0 || cz < 0)
    fail('the _atom_site_fract_x loop lacks _atom_site_fract_y or _z', loop.line, '_atom_site_fract_y');
  const cType = col('_atom_site_type_symbol');
  const cLabel = col('_atom_site_label');
  const cOcc = col('_atom_site_occupancy');
  if (cType < 0 && cLabel < 0)
    fail('sites have neither _atom_site_type_symbol nor _atom_site_label', loop.line);

  const species: string[] = [];
  const coords: Vec3[] = [];
  for (const row of loop.rows) {
    const name = row[cType >= 0 && !isMissing(row[cType]) ? cType : cLabel]!;
    const label = cLabel >= 0 ? row[cLabel]!.text : name.text;
    let el: string;
    try {
      el = Element.fromLabel(name.text);
    } catch (err) {
      if (!(err instanceof UnknownElementError)) throw err;
      return fail(
        `site ${label}: ${JSON.stringify(name.text)} is not an element`,
        name.line,
        '_atom_site_type_symbol',
      );
    }
    if (cOcc >= 0 && !isMissing(row[cOcc])) {
      const occ = cifNumber(row[cOcc]);
      if (!Number.isFinite(occ))
        fail(
          `site ${label}: occupancy ${JSON.stringify(row[cOcc]!.text)} is not a number`,
          row[cOcc]!.line,
          '_atom_site_occupancy',
        );
      if (occ < 1 - occupancyTolerance) {
        fail(
          `site ${label} has occupancy ${occ}: disordered (partially occupied) sites are not supported`,
          row[cOcc]!.line,
          '_atom_site_occupancy',
        );
      }
    }
    const f = [cx, cy, cz].map((c, k) => {
      const x = cifNumber(row[c]);
      if (!Number.isFinite(x))
        fail(
          `site ${label}: ${'xyz'[k]} = ${JSON.stringify(row[c]!.text)} is not a number`,
          row[c]!.line,
          loop.tags[c],
        );
      return x;
    }) as unknown as Vec3;
    const orbit: Vec3[] = [];
    for (const op of ops) {
      const g = applySymmetryOperation(op, f).map((x) => x - Math.floor(x)) as unknown as Vec3;
      if (orbit.some((h) => periodicDistance(lattice, g, h) < siteTolerance)) continue;
      orbit.push(g);
    }
    for (const g of orbit) {
      species.push(el);
      coords.push(g);
    }
  }
  if (species.length === 0) fail('the atom-site loop has no rows', loop.line);
  return Structure.create(lattice, species, coords);
}

function symmetryOperations(
  block: CifBlock,
  fail: (msg: string, line: number, field?: string) => never,
): SymmetryOperation[] {
  for (const tag of SYMOP_TAGS) {
    const found = findLoopColumn(block, tag);
    const values = found
      ? found.loop.rows.map((r) => r[found.column]!)
      : block.items.has(tag)
        ? [block.items.get(tag)!]
        : [];
    if (values.length === 0) continue;
    return values.map((v) => {
      try {
        return parseSymmetryOperation(v.text);
      } catch (err) {
        return fail((err as Error).message, v.line, tag);
      }
    });
  }
  for (const tag of SPACE_GROUP_TAGS) {
    const v = block.items.get(tag);
    if (v && !isMissing(v) && v.text.replace(/\s+/g, '').toUpperCase() !== 'P1') {
      fail(
        `space group ${JSON.stringify(v.text)} but no symmetry operations (${SYMOP_TAGS[0]}) are listed`,
        v.line,
        tag,
      );
    }
  }
  return [parseSymmetryOperation('x,y,z')];
}

/** Shortest distance between two fractional points under periodicity (nearest-image rounding), Å. */
function periodicDistance(lattice: Mat3, f: Vec3, g: Vec3): number {
  const d = [0, 1, 2].map((k) => {
    const x = f[k]! - g[k]!;
    return x - Math.round(x);
  }) as unknown as Vec3;
  const c = Lattice.toCartesian(lattice, d);
  return Math.hypot(c[0], c[1], c[2]);
}

/**
 * Writes a P1 CIF in the layout pymatgen uses (the MP-20 files'): cell parameters with 8
 * decimals, one `x, y, z` operation, one loop row per site with label `<El><index>`.
 *
 * ```
 * data_Si
 * _symmetry_space_group_name_H-M   'P 1'
 * _cell_length_a   3.86697465
 * ...
 * loop_
 *  _atom_site_type_symbol
 *  ...
 *   Si  Si0  1  0.00000000  0.00000000  0.00000000  1
 * ```
 */
export function writeCif(s: Structure, options: { readonly name?: string } = {}): string {
  const comp = Composition.fromSpecies(s.species);
  const [formula, z] = Composition.reducedFormulaAndFactor(comp);
  const [a, b, c, alpha, beta, gamma] = Lattice.parameters(s.lattice);
  const f8 = (x: number) => (Math.abs(x) < 5e-9 ? 0 : x).toFixed(8);
  const lines = [
    '# generated by matdisc',
    `data_${(options.name ?? formula).replace(/\s+/g, '_')}`,
    "_symmetry_space_group_name_H-M   'P 1'",
    `_cell_length_a   ${f8(a)}`,
    `_cell_length_b   ${f8(b)}`,
    `_cell_length_c   ${f8(c)}`,
    `_cell_angle_alpha   ${f8(alpha)}`,
    `_cell_angle_beta   ${f8(beta)}`,
    `_cell_angle_gamma   ${f8(gamma)}`,
    '_symmetry_Int_Tables_number   1',
    `_chemical_formula_structural   ${formula}`,
    `_chemical_formula_sum   '${Composition.formula(comp)}'`,
    `_cell_volume   ${f8(Structure.volume(s))}`,
    `_cell_formula_units_Z   ${z}`,
    'loop_',
    ' _symmetry_equiv_pos_site_id',
    ' _symmetry_equiv_pos_as_xyz',
    "  1  'x, y, z'",
    'loop_',
    ' _atom_site_type_symbol',
    ' _atom_site_label',
    ' _atom_site_symmetry_multiplicity',
    ' _atom_site_fract_x',
    ' _atom_site_fract_y',
    ' _atom_site_fract_z',
    ' _atom_site_occupancy',
    ...s.species.map((el, i) => `  ${el}  ${el}${i}  1  ${s.fracCoords[i]!.map(f8).join('  ')}  1`),
  ];
  return lines.join('\n') + '\n';
}
