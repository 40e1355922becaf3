/**
 * The MLIP's training data: the `training_set` view (db/migrations/002) of converged DFT
 * calculations with energies and forces, on the geometry they were computed for, and the extended
 * XYZ frame of each (the file the trainer reads and `matdisc export training-set` writes).
 */
import type { ExtxyzFrameInput, ExtxyzValue } from '../crystal/io/extxyz.js';
import type { Mat3, Vec3 } from '../crystal/lattice.js';
import type { Database } from './database.js';
import { structureFromRow } from './structure-row.js';

/** One training frame (what an extxyz frame needs). bigint ids arrive as text. */
export interface TrainingFrameRow {
  readonly dft_calculation_id: string;
  /** Null for a DFT elemental reference (shared between campaigns). */
  readonly campaign_id: string | null;
  readonly level_of_theory: string;
  readonly species: string[];
  /** 3 × 3, Å; rows are the lattice vectors. */
  readonly lattice_a: unknown;
  /** N × 3, fractional. */
  readonly frac_coords: unknown;
  /** eV. */
  readonly energy_ev: number;
  /** N × 3, eV/Å. */
  readonly forces_ev_per_a: number[][];
  /** 3 × 3, eV/Å³, ASE sign (positive = tensile); null where the calculation gave none. */
  readonly stress_ev_per_a3: number[][] | null;
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
      `SELECT dft_calculation_id::text AS dft_calculation_id, campaign_id, level_of_theory, species, lattice_a,
              frac_coords, energy_ev, forces_ev_per_a, stress_ev_per_a3
         FROM training_set
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

/**
 * The extended XYZ frame of a label, written by `writeExtxyz` (crystal/io/extxyz.ts): ASE's own
 * keys `energy` (eV, the cell), `forces` (eV/Å) and `stress` (eV/Å³, 9 values, ASE sign), which
 * ASE reads into the frame's calculator and the trainer reads as labels; and in `info`
 * `dft_calculation_id`, `level_of_theory` and `config_type` (`dft_label`, or
 * `elemental_reference` for the shared DFT reference of an element).
 */
export function trainingExtxyzFrame(row: TrainingFrameRow): ExtxyzFrameInput {
  const structure = structureFromRow(row);
  const info: Record<string, ExtxyzValue> = {
    dft_calculation_id: Number(row.dft_calculation_id),
    level_of_theory: row.level_of_theory,
    config_type: row.campaign_id === null ? 'elemental_reference' : 'dft_label',
  };
  return {
    structure,
    energy: row.energy_ev,
    forces: row.forces_ev_per_a as unknown as Vec3[],
    ...(row.stress_ev_per_a3 ? { stress: row.stress_ev_per_a3 as unknown as Mat3 } : {}),
    info,
  };
}
