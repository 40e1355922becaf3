/**
 * The MLIP's training data: the `training_set` view (db/migrations/002) of converged DFT
 * calculations with energies and forces, on the geometry they were computed for.
 */
import type { Database } from './database.js';

/** One training frame (what an extxyz frame needs). */
export interface TrainingFrameRow {
  readonly species: string[];
  /** 3 × 3, Å; rows are the lattice vectors. */
  readonly lattice_a: unknown;
  /** N × 3, fractional. */
  readonly frac_coords: unknown;
  /** eV. */
  readonly energy_ev: number;
  /** N × 3, eV/Å. */
  readonly forces_ev_per_a: number[][];
}

/**
 * The campaign's labels and the DFT elemental references of `elements` at the campaign's levels
 * of theory (shared between campaigns, so they have no campaign id), by calculation id.
 */
export async function listTrainingFrames(
  db: Database,
  campaignId: string,
  elements: readonly string[],
): Promise<TrainingFrameRow[]> {
  return (
    await db.query<TrainingFrameRow>(
      `SELECT species, lattice_a, frac_coords, energy_ev, forces_ev_per_a FROM training_set
        WHERE campaign_id = $1
           OR dft_calculation_id IN (
                SELECT r.id FROM dft_calculations r
                 WHERE r.reference_element = ANY($2)
                   AND r.level_of_theory IN (SELECT level_of_theory FROM dft_calculations WHERE campaign_id = $1))
        ORDER BY dft_calculation_id`,
      [campaignId, elements],
    )
  ).rows;
}
