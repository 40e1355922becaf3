/**
 * Candidates for DFT: a round's unique relaxed structures (`structures`) with their latest MLIP
 * prediction (`predictions`), as `selectForDft` ranks them (activities/campaign/select-for-dft.ts).
 */
import type { Database } from './database.js';

export interface DftCandidateRow {
  /** The relaxed structure's id. */
  readonly id: string;
  /** Predicted e_above_hull, eV/atom. */
  readonly e_hull: number;
  /** The committee's energy std, eV/atom (null for a single model). */
  readonly e_std: number | null;
  /** The committee's max force deviation, eV/Å (null for a single model). */
  readonly f_dev: number | null;
  /** The structure's fingerprint in pgvector's text form. */
  readonly fingerprint: string;
}

/**
 * The round's relaxed, unique structures whose latest prediction places them at most
 * `maxEAboveHullEvPerAtom` above the hull, by structure id.
 */
export async function listDftCandidates(
  db: Database,
  roundId: string,
  maxEAboveHullEvPerAtom: number,
): Promise<DftCandidateRow[]> {
  return (
    await db.query<DftCandidateRow>(
      `SELECT s.id::text AS id, p.e_above_hull_ev_per_atom AS e_hull, p.energy_std_ev_per_atom AS e_std,
              p.max_force_dev_ev_per_a AS f_dev, s.fingerprint::text AS fingerprint
         FROM structures s
         JOIN LATERAL (SELECT * FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) p ON true
        WHERE s.round_id = $1 AND s.origin = 'relaxed' AND s.duplicate_of_id IS NULL
          AND p.e_above_hull_ev_per_atom IS NOT NULL AND p.e_above_hull_ev_per_atom <= $2
        ORDER BY s.id`,
      [roundId, maxEAboveHullEvPerAtom],
    )
  ).rows;
}
