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
 *
 * Novelty against what is known: each candidate is also compared with every imported reference
 * phase of its reduced formula (no fingerprint pre-filter, whenever imported), and the one the
 * matcher fits with the least RMS displacement (ties: lowest id) is stored in `known_matches`
 * (db/known-matches.ts), once per candidate; `candidate_review.known_match` shows it.
 */
import { FINGERPRINT_THRESHOLD } from '../../crystal/fingerprint/index.js';
import { MatcherLimitError, StructureMatcher } from '../../crystal/matcher/index.js';
import type { Structure } from '../../crystal/structure.js';
import {
  checkedForKnownMatch,
  recordKnownMatch,
  referencePhasesOfFormula,
  type KnownMatch,
  type ReferencePhaseStructure,
} from '../../db/known-matches.js';
import { structureFromRow } from '../../db/structure-row.js';
import {
  clearDuplicateOf,
  earlierStructuresNear,
  relaxedStructuresOfRound,
  setDuplicateOf,
} from '../../db/structures.js';
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

export function createDeduplicate(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function deduplicate(input: RoundRef): Promise<DeduplicateResult> {
    await setStage(db, input.roundId, 'deduplicate');
    const matcher = new StructureMatcher();
    const candidates = await relaxedStructuresOfRound(db, input.roundId);
    let unique = 0;
    let novel = 0;
    let duplicatesOfOtherCampaigns = 0;
    for (const c of candidates) {
      const near = await earlierStructuresNear(
        db,
        c.id,
        c.fingerprint,
        FINGERPRINT_THRESHOLD,
        DEDUP_NEIGHBOURS,
      );
      const structure = structureFromRow(c);
      const match = near.find((n) => matcher.fit(structure, structureFromRow(n)));
      const ids = c.parent_id ? [c.id, c.parent_id] : [c.id];
      if (!match) {
        unique += 1;
        novel += 1;
        await clearDuplicateOf(db, ids);
        continue;
      }
      if (match.campaign_id !== c.campaign_id) unique += 1;
      if (match.campaign_id !== null && match.campaign_id !== c.campaign_id) duplicatesOfOtherCampaigns += 1;
      await setDuplicateOf(db, ids, match.id);
    }
    const checked = await checkedForKnownMatch(
      db,
      candidates.map((c) => c.id),
    );
    const phases = new Map<string, ReferencePhaseStructure[]>();
    for (const c of candidates) {
      if (checked.has(c.id)) continue;
      if (!phases.has(c.reduced_formula))
        phases.set(c.reduced_formula, await referencePhasesOfFormula(db, c.reduced_formula));
      await recordKnownMatch(
        db,
        knownMatch(matcher, c.id, structureFromRow(c), phases.get(c.reduced_formula)!),
      );
    }
    return { candidates: candidates.length, unique, novel, duplicatesOfOtherCampaigns };
  };
}

/**
 * The reference phase (of the candidate's reduced formula, in id order) that `matcher` fits with
 * the least RMS displacement, ties to the lowest id; a phase too large for the matcher is skipped,
 * not counted.
 */
export function knownMatch(
  matcher: StructureMatcher,
  structureId: string,
  structure: Structure,
  phases: readonly ReferencePhaseStructure[],
): KnownMatch {
  let best: { id: string; rms: number } | null = null;
  let compared = 0;
  for (const phase of phases) {
    const known = structureFromRow(phase);
    let dist;
    try {
      // `fit` decides, as in deduplication (rmsDist alone accepts an RMS below stol, a looser test).
      dist = matcher.fit(structure, known) ? matcher.rmsDist(structure, known) : null;
    } catch (err) {
      if (err instanceof MatcherLimitError) continue;
      throw err;
    }
    compared += 1;
    if (dist && (!best || dist.rms < best.rms)) best = { id: phase.id, rms: dist.rms };
  }
  return {
    structureId,
    referencePhaseId: best?.id ?? null,
    rms: best?.rms ?? null,
    referencePhasesCompared: compared,
  };
}
