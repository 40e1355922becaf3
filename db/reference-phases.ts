/**
 * The `reference_phases` table (db/migrations/001): known phases (MP-20 rows, elemental
 * references) that close the convex hull, with their structures. `import-reference.ts` fills it
 * from the files `reference-records.ts` reads.
 */
import type { Database } from './database.js';
import type { StructureGeometry } from './structures.js';

export interface ReferencePhaseRow {
  readonly id: string;
  readonly source: string;
  readonly external_id: string;
  readonly structure_id: string | null;
  readonly reduced_formula: string;
  readonly chemical_system: string;
  readonly formation_energy_per_atom_ev: number | null;
  readonly e_above_hull_ev_per_atom: number | null;
  readonly level_of_theory: string;
  readonly dft_calculation_id: string | null;
  readonly created_at: Date;
}

/** How many stored reference phases of these chemical systems are compounds (two or more elements). */
export async function compoundReferencePhaseCount(
  db: Database,
  chemicalSystems: readonly string[],
): Promise<number> {
  const r = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM reference_phases
      WHERE chemical_system = ANY($1) AND strpos(chemical_system, '-') > 0`,
    [chemicalSystems],
  );
  return Number(r.rows[0]!.n);
}

/** The structures of the reference phases of the given chemical systems. */
export async function referencePhaseStructuresOfSystems(
  db: Database,
  chemicalSystems: readonly string[],
): Promise<(Pick<ReferencePhaseRow, 'id'> & StructureGeometry)[]> {
  const r = await db.query<Pick<ReferencePhaseRow, 'id'> & StructureGeometry>(
    `SELECT rp.id::text AS id, s.species, s.lattice_a, s.frac_coords FROM reference_phases rp
           JOIN structures s ON s.id = rp.structure_id WHERE rp.chemical_system = ANY($1)`,
    [chemicalSystems],
  );
  return r.rows;
}

/** The structures of the reference phases of one element. */
export async function unaryReferencePhaseStructures(
  db: Database,
  element: string,
): Promise<StructureGeometry[]> {
  const r = await db.query<StructureGeometry>(
    `SELECT s.species, s.lattice_a, s.frac_coords FROM reference_phases rp JOIN structures s ON s.id = rp.structure_id
        WHERE rp.chemical_system = $1`,
    [element],
  );
  return r.rows;
}

export type ReferencePhaseFormationEnergy = Pick<ReferencePhaseRow, 'id'> &
  Pick<StructureGeometry, 'species'> & { readonly formation_energy_per_atom_ev: number };

/** The reference phases stored at a level of theory with a formation energy, with their species. */
export async function referencePhaseFormationEnergiesAt(
  db: Database,
  levelOfTheory: string,
): Promise<ReferencePhaseFormationEnergy[]> {
  const r = await db.query<ReferencePhaseFormationEnergy>(
    `SELECT rp.id::text AS id, s.species, rp.formation_energy_per_atom_ev FROM reference_phases rp
           JOIN structures s ON s.id = rp.structure_id
          WHERE rp.level_of_theory = $1 AND rp.formation_energy_per_atom_ev IS NOT NULL`,
    [levelOfTheory],
  );
  return r.rows;
}

/** A phase of one pure element, with its structure. */
export type ElementalPhaseRow = Pick<
  ReferencePhaseRow,
  'source' | 'external_id' | 'e_above_hull_ev_per_atom'
> &
  StructureGeometry;

/**
 * The lowest-energy imported phase of the pure `element` (least e_above_hull, then least
 * formation energy, then the smallest cell; ties by id), or undefined when none is imported.
 */
export async function lowestElementalPhase(
  db: Database,
  element: string,
): Promise<ElementalPhaseRow | undefined> {
  const r = await db.query<ElementalPhaseRow>(
    `SELECT rp.source, rp.external_id, rp.e_above_hull_ev_per_atom, s.species, s.lattice_a, s.frac_coords
       FROM reference_phases rp JOIN structures s ON s.id = rp.structure_id
      WHERE rp.chemical_system = $1
      ORDER BY rp.e_above_hull_ev_per_atom ASC NULLS LAST, rp.formation_energy_per_atom_ev ASC NULLS LAST,
               s.n_sites ASC, rp.id ASC
      LIMIT 1`,
    [element],
  );
  return r.rows[0];
}
