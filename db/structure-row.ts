/**
 * How a `Structure` is stored: the columns of `structures` (lattice in Å, rows are vectors;
 * fractional coordinates N x 3) plus what queries filter on (formula, chemical system).
 */
import { Structure } from '../crystal/structure.js';
import { spaceGroupOf, SymmetryError } from '../crystal/symmetry/index.js';
import type { StructureInsert } from './tables.js';

export type StructureOrigin = 'generated' | 'relaxed' | 'dft' | 'reference' | 'user';

export interface StructureRowExtras {
  readonly campaign_id?: string | null;
  readonly round_id?: string | null;
  readonly parent_id?: string | null;
  /** pgvector text form, e.g. from `pgvector.toSql(fingerprint)`. */
  readonly fingerprint?: string | null;
}

export function structureRow(
  s: Structure,
  origin: StructureOrigin,
  extras: StructureRowExtras = {},
): StructureInsert {
  return {
    content_hash: Structure.contentHash(s),
    reduced_formula: Structure.reducedFormula(s),
    chemical_system: Structure.chemicalSystem(s),
    n_sites: s.species.length,
    species: s.species,
    lattice_a: s.lattice,
    frac_coords: s.fracCoords,
    volume_a3: Structure.volume(s),
    ...spaceGroupColumns(s),
    origin,
    ...extras,
  };
}

/** Symmetry tolerance of the stored space groups, Å (MP's and pymatgen's default). */
export const STORED_SYMPREC_A = 0.1;

/** The space group moyo finds, or nulls where it refuses the cell (e.g. atoms within symprec). */
function spaceGroupColumns(s: Structure): Pick<StructureInsert, 'space_group_number' | 'space_group_symbol'> {
  try {
    const g = spaceGroupOf(s, { symprecA: STORED_SYMPREC_A });
    return { space_group_number: g.number, space_group_symbol: g.symbol };
  } catch (err) {
    if (err instanceof SymmetryError) return { space_group_number: null, space_group_symbol: null };
    throw err;
  }
}

/** The inverse of `structureRow`. */
export function structureFromRow(row: {
  species: string[];
  lattice_a: unknown;
  frac_coords: unknown;
}): Structure {
  return Structure.create(
    row.lattice_a as Structure['lattice'],
    row.species,
    row.frac_coords as Structure['fracCoords'],
  );
}
