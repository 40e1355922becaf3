/**
 * How a `Structure` is stored: the columns of `structures` (lattice in Å, rows are vectors;
 * fractional coordinates N x 3) plus what queries filter on (formula, chemical system).
 */
import { Structure } from '../crystal/structure.js';
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
    origin,
    ...extras,
  };
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
