/** The `predictions` table (db/migrations/001): what an MLIP says about a structure. */
import type { Database } from './database.js';
import type { StructureRow } from './structures.js';

export interface PredictionRow {
  readonly id: string;
  readonly structure_id: string;
  readonly model_version_id: string;
  readonly relaxed_structure_id: string | null;
  readonly energy_ev: number;
  readonly energy_per_atom_ev: number;
  readonly formation_energy_per_atom_ev: number | null;
  readonly e_above_hull_ev_per_atom: number | null;
  readonly max_force_ev_per_a: number | null;
  /** Committee spread, when the MLIP is a committee. */
  readonly energy_std_ev_per_atom: number | null;
  readonly max_force_dev_ev_per_a: number | null;
  readonly relax_converged: boolean | null;
  readonly relax_steps: number | null;
  readonly idempotency_key: string | null;
  readonly created_at: Date;
}

/** How many of the round's relaxed structures have a prediction, and how many of those converged. */
export async function relaxationCountsOfRound(
  db: Database,
  roundId: string,
): Promise<{ relaxed: number; converged: number }> {
  const r = await db.query<{ n: string; c: string }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE p.relax_converged) AS c FROM predictions p
         JOIN structures s ON s.id = p.structure_id WHERE s.round_id = $1 AND s.origin = 'relaxed'`,
    [roundId],
  );
  return { relaxed: Number(r.rows[0]!.n), converged: Number(r.rows[0]!.c) };
}

export type UniqueCandidatePrediction = { readonly prediction_id: string } & Pick<StructureRow, 'species'> &
  Pick<PredictionRow, 'energy_ev'>;

/** The predictions of `modelVersionId` on the round's relaxed structures that are no duplicates, by structure id. */
export async function uniqueCandidatePredictions(
  db: Database,
  roundId: string,
  modelVersionId: string,
): Promise<UniqueCandidatePrediction[]> {
  const r = await db.query<UniqueCandidatePrediction>(
    `SELECT p.id::text AS prediction_id, s.species, p.energy_ev FROM structures s
           JOIN predictions p ON p.structure_id = s.id AND p.model_version_id = $2
          WHERE s.round_id = $1 AND s.origin = 'relaxed' AND s.duplicate_of_id IS NULL ORDER BY s.id`,
    [roundId, modelVersionId],
  );
  return r.rows;
}

/** Stores a prediction's formation energy and energy above the hull (eV/atom). */
export async function setHullPlacement(
  db: Database,
  predictionId: string,
  formationEnergyPerAtomEv: number,
  eAboveHullEvPerAtom: number,
): Promise<void> {
  await db.query(
    'UPDATE predictions SET formation_energy_per_atom_ev = $2, e_above_hull_ev_per_atom = $3 WHERE id = $1',
    [predictionId, formationEnergyPerAtomEv, eAboveHullEvPerAtom],
  );
}
