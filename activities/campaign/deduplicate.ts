/**
 * `deduplicate` (cpu): is each relaxed candidate of the round a crystal we already have? A pgvector
 * k-NN query on fingerprints (same reduced formula, distance ≤ FINGERPRINT_THRESHOLD) pre-filters,
 * then `StructureMatcher.fit` decides (STYLE.md D7). Compared against everything stored before
 * it: earlier candidates of any campaign, DFT final structures, user structures and reference
 * phases. A match sets `duplicate_of_id` on the relaxed row and on its generated parent.
 *
 * Deterministic and order-based (a candidate is compared only with rows of lower id), so a retry
 * reaches the same answer. `unique`: no match within this campaign; `novel`: no match anywhere.
 *
 * A candidate that matches another campaign's structure is a duplicate too: it is left out of this
 * campaign's hull and DFT selection (the other campaign has it). Two campaigns of one
 * configuration started together generate the same cells, so the later one can end a round with
 * "unique" candidates and none predicted stable; `duplicatesOfOtherCampaigns` counts them, and the
 * round summary names the campaigns, so that is never silent.
 */
import { FINGERPRINT_THRESHOLD } from '../../crystal/fingerprint/index.js';
import { StructureMatcher } from '../../crystal/matcher/index.js';
import { structureFromRow } from '../../db/structure-row.js';
import { setStage, type CampaignActivityDependencies, type RoundRef } from './campaign-context.js';

export interface DeduplicateResult {
  readonly candidates: number;
  readonly unique: number;
  readonly novel: number;
  /** Candidates that are duplicates of a structure of another campaign (left out of hull and DFT). */
  readonly duplicatesOfOtherCampaigns: number;
}

/** Nearest stored neighbours checked with the matcher per candidate. */
export const DEDUP_NEIGHBOURS = 20;

interface Row {
  id: string;
  parent_id: string | null;
  campaign_id: string | null;
  species: string[];
  lattice_a: unknown;
  frac_coords: unknown;
}

export function createDeduplicate(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function deduplicate(input: RoundRef): Promise<DeduplicateResult> {
    await setStage(db, input.roundId, 'deduplicate');
    const matcher = new StructureMatcher();
    const candidates = await db.query<Row & { fingerprint: string }>(
      `SELECT id::text AS id, parent_id::text AS parent_id, campaign_id, species, lattice_a, frac_coords,
              fingerprint::text AS fingerprint, reduced_formula
         FROM structures WHERE round_id = $1 AND origin = 'relaxed' ORDER BY id`,
      [input.roundId],
    );
    let unique = 0;
    let novel = 0;
    let duplicatesOfOtherCampaigns = 0;
    for (const c of candidates.rows) {
      const near = await db.query<Row>(
        `SELECT s.id::text AS id, s.parent_id::text AS parent_id, s.campaign_id, s.species, s.lattice_a, s.frac_coords
           FROM structures s
          WHERE s.id < $1 AND s.origin IN ('relaxed', 'dft', 'reference', 'user') AND s.duplicate_of_id IS NULL
            AND s.reduced_formula = (SELECT reduced_formula FROM structures WHERE id = $1)
            AND s.fingerprint IS NOT NULL AND s.fingerprint <-> $2::vector <= $3
          ORDER BY s.fingerprint <-> $2::vector LIMIT $4`,
        [c.id, c.fingerprint, FINGERPRINT_THRESHOLD, DEDUP_NEIGHBOURS],
      );
      const structure = structureFromRow(c);
      const match = near.rows.find((n) => matcher.fit(structure, structureFromRow(n)));
      if (!match) {
        unique += 1;
        novel += 1;
        await db.query('UPDATE structures SET duplicate_of_id = NULL WHERE id = ANY($1::bigint[])', [
          [c.id, c.parent_id].filter(Boolean),
        ]);
        continue;
      }
      if (match.campaign_id !== c.campaign_id) unique += 1;
      if (match.campaign_id !== null && match.campaign_id !== c.campaign_id) duplicatesOfOtherCampaigns += 1;
      await db.query('UPDATE structures SET duplicate_of_id = $2 WHERE id = ANY($1::bigint[])', [
        [c.id, c.parent_id].filter(Boolean),
        match.id,
      ]);
    }
    return { candidates: candidates.rows.length, unique, novel, duplicatesOfOtherCampaigns };
  };
}
