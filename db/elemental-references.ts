/**
 * The `elemental_references` table (db/migrations/001): the energy per atom μ_el of each element
 * at one level of theory, so formation energies compare like with like. DFT references carry the
 * `dft_calculations` row they come from (activities/campaign/dft-references.ts); MLIP references
 * (`mlip:<version>`, computed by `placeOnHull` once per model version) carry none.
 */
import type { Database } from './database.js';

export interface ElementalReferenceRow {
  readonly element: string;
  readonly level_of_theory: string;
  /** μ_el, eV/atom. */
  readonly energy_per_atom_ev: number;
  readonly dft_calculation_id: string | null;
  /** Solid, molecule, atom or reference-data (campaign/elemental-references.ts); null before migration 007. */
  readonly kind: 'solid' | 'molecule' | 'atom' | 'reference-data' | null;
  /** Where the reference structure came from. */
  readonly source: string | null;
  readonly created_at: Date;
}

/** Records a DFT reference energy; one already stored for (element, level) is kept as it is. */
export async function recordDftElementalReference(
  db: Database,
  ref: Pick<
    ElementalReferenceRow,
    'element' | 'level_of_theory' | 'energy_per_atom_ev' | 'kind' | 'source'
  > & {
    readonly dft_calculation_id: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO elemental_references (element, level_of_theory, energy_per_atom_ev, dft_calculation_id, kind, source)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (element, level_of_theory) DO NOTHING`,
    [ref.element, ref.level_of_theory, ref.energy_per_atom_ev, ref.dft_calculation_id, ref.kind, ref.source],
  );
}

export interface MlipElementalReference {
  readonly element: string;
  readonly energy_per_atom_ev: number;
}

/** The stored μ_el of the given elements at `levelOfTheory`. */
export async function mlipElementalReferences(
  db: Database,
  levelOfTheory: string,
  elements: readonly string[],
): Promise<MlipElementalReference[]> {
  const r = await db.query<MlipElementalReference>(
    'SELECT element, energy_per_atom_ev FROM elemental_references WHERE level_of_theory = $1 AND element = ANY($2)',
    [levelOfTheory, elements],
  );
  return r.rows;
}

/** Stores μ_el unless one is already stored, then returns the stored one (the first writer's). */
export async function storeMlipElementalReference(
  db: Database,
  element: string,
  levelOfTheory: string,
  energyPerAtomEv: number,
): Promise<number> {
  await db.query(
    `INSERT INTO elemental_references (element, level_of_theory, energy_per_atom_ev) VALUES ($1, $2, $3)
       ON CONFLICT (element, level_of_theory) DO NOTHING`,
    [element, levelOfTheory, energyPerAtomEv],
  );
  const r = await db.query<Pick<MlipElementalReference, 'energy_per_atom_ev'>>(
    'SELECT energy_per_atom_ev FROM elemental_references WHERE element = $1 AND level_of_theory = $2',
    [element, levelOfTheory],
  );
  return r.rows[0]!.energy_per_atom_ev;
}
