/**
 * What `recordRoundSummary` reads across tables: the round's candidate counts (structures with
 * their latest prediction), the campaigns its duplicates belong to, and DFT calculations with the
 * geometry their energy and forces belong to.
 */
import type { Database } from './database.js';
import type { StructureGeometry } from './structures.js';

export interface RoundCandidateCounts {
  /** Generated structures of the round. */
  readonly generated: number;
  /** Relaxed structures that are no duplicates. */
  readonly unique: number;
  /** Unique ones whose latest prediction is within the stability threshold. */
  readonly predictedStable: number;
}

export async function roundCandidateCounts(
  db: Database,
  roundId: string,
  maxEAboveHullEvPerAtom: number,
): Promise<RoundCandidateCounts> {
  const counts = (
    await db.query<{ generated: string; uniq: string; stable: string }>(
      `SELECT count(*) FILTER (WHERE s.origin = 'generated') AS generated,
                count(*) FILTER (WHERE s.origin = 'relaxed' AND s.duplicate_of_id IS NULL) AS uniq,
                count(*) FILTER (WHERE s.origin = 'relaxed' AND s.duplicate_of_id IS NULL AND p.e_above_hull_ev_per_atom <= $2) AS stable
           FROM structures s
           LEFT JOIN LATERAL (SELECT * FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) p ON true
          WHERE s.round_id = $1`,
      [roundId, maxEAboveHullEvPerAtom],
    )
  ).rows[0]!;
  return {
    generated: Number(counts.generated),
    unique: Number(counts.uniq),
    predictedStable: Number(counts.stable),
  };
}

export interface DuplicatesOfCampaign {
  readonly campaign_id: string;
  /** How many of the round's relaxed structures duplicate one of this campaign's (a count, as text). */
  readonly n: string;
}

/** The other campaigns whose structures the round's relaxed structures duplicate, by campaign id. */
export async function roundDuplicatesOfOtherCampaigns(
  db: Database,
  roundId: string,
): Promise<DuplicatesOfCampaign[]> {
  const r = await db.query<DuplicatesOfCampaign>(
    `SELECT o.campaign_id, count(*) AS n FROM structures s JOIN structures o ON o.id = s.duplicate_of_id
        WHERE s.round_id = $1 AND s.origin = 'relaxed' AND o.campaign_id IS NOT NULL AND o.campaign_id <> s.campaign_id
        GROUP BY o.campaign_id ORDER BY o.campaign_id`,
    [roundId],
  );
  return r.rows;
}

/** A DFT calculation with the geometry of its energy and forces (final structure, else input). */
export interface DftLabelRow extends StructureGeometry {
  readonly id: string;
  readonly status: 'pending' | 'running' | 'converged' | 'failed';
  readonly level_of_theory: string;
  readonly energy_ev: number | null;
  /** N x 3, eV/Å. */
  readonly forces_ev_per_a: number[][] | null;
  /** The parameter set's `hubbardU` ('mp2020' = GGA+U where it applies); null for sets without the field. */
  readonly hubbard_u: string | null;
}

const DFT_LABELS = `SELECT d.id::text AS id, d.status, d.level_of_theory, d.energy_ev, d.forces_ev_per_a,
                         d.profile->>'hubbardU' AS hubbard_u,
                         g.species, g.lattice_a, g.frac_coords
                    FROM dft_calculations d JOIN structures g ON g.id = coalesce(d.final_structure_id, d.input_structure_id, d.structure_id)`;

/** The round's DFT calculations, any status, by id. */
export async function roundDftLabels(db: Database, roundId: string): Promise<DftLabelRow[]> {
  const r = await db.query<DftLabelRow>(`${DFT_LABELS} WHERE d.round_id = $1 ORDER BY d.id`, [roundId]);
  return r.rows;
}

/** Every converged DFT calculation with an energy at a level of theory (any campaign, references too). */
export async function convergedDftLabelsAt(db: Database, levelOfTheory: string): Promise<DftLabelRow[]> {
  const r = await db.query<DftLabelRow>(
    `${DFT_LABELS} WHERE d.level_of_theory = $1 AND d.status = 'converged' AND d.energy_ev IS NOT NULL`,
    [levelOfTheory],
  );
  return r.rows;
}
