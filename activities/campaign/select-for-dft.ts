/**
 * `selectForDft` (cpu): the round's DFT batch. Candidates are the unique relaxed structures whose
 * predicted e_above_hull is within the stability window (untrusted predictions left out when
 * `trust.excludeUntrusted`), ranked by the acquisition function:
 *
 * - `greedy`: lowest predicted e_above_hull first (exploitation);
 * - `uncertainty`: largest committee max force deviation first (DP-GEN's model deviation;
 *   Zhang et al., Comput. Phys. Commun. 253, 107206 (2020));
 * - `ucb`: lowest lower confidence bound e_above_hull − κ·σ_E first, σ_E the committee's energy
 *   std per atom (optimism under uncertainty; Srinivas et al., ICML 2010, arXiv:0912.3995).
 *
 * Diversity: walking the ranking, a candidate closer than `minFingerprintDistance` (pgvector
 * `<->`) to one already chosen is skipped. Ties break on structure id, so the choice is
 * deterministic and a retry chooses the same batch.
 */
import { listDftCandidates } from '../../db/dft-candidates.js';
import { trustLevel } from '../../models/mlip/index.js';
import {
  campaignConfig,
  setStage,
  type CampaignActivityDependencies,
  type RoundRef,
} from './campaign-context.js';

export interface SelectForDftInput extends RoundRef {
  /** DFT calculations this round may still spend (the workflow's remaining budget). */
  readonly budget: number;
}

export interface SelectForDftResult {
  readonly eligible: number;
  readonly structureIds: readonly string[];
}

export function createSelectForDft(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function selectForDft(input: SelectForDftInput): Promise<SelectForDftResult> {
    const config = await campaignConfig(db, input.campaignId);
    await setStage(db, input.roundId, 'select');
    const rows = await listDftCandidates(db, input.roundId, config.stability.maxEAboveHullEvPerAtom);
    const thresholds = { loEvPerA: config.trust.loEvPerA, hiEvPerA: config.trust.hiEvPerA };
    const eligible = rows.filter(
      (r) =>
        !config.trust.excludeUntrusted ||
        trustLevel({ maxForceDevEvPerA: r.f_dev ?? Number.POSITIVE_INFINITY }, thresholds) !== 'untrusted',
    );
    const { strategy, kappa } = config.acquisition;
    const score = (r: (typeof eligible)[number]) =>
      strategy === 'greedy'
        ? r.e_hull
        : strategy === 'uncertainty'
          ? -(r.f_dev ?? 0)
          : r.e_hull - kappa * (r.e_std ?? 0);
    const ranked = [...eligible].sort((a, b) => score(a) - score(b) || Number(a.id) - Number(b.id));
    const chosen: typeof ranked = [];
    const minD = config.acquisition.minFingerprintDistance;
    for (const r of ranked) {
      if (chosen.length >= Math.max(0, input.budget)) break;
      if (minD > 0 && chosen.some((c) => distance(c.fingerprint, r.fingerprint) < minD)) continue;
      chosen.push(r);
    }
    return { eligible: eligible.length, structureIds: chosen.map((c) => c.id) };
  };
}

/** Euclidean distance of two vectors in pgvector's text form, as `<->` computes it. */
function distance(a: string, b: string): number {
  const x = JSON.parse(a) as number[];
  const y = JSON.parse(b) as number[];
  return Math.sqrt(x.reduce((sum, v, i) => sum + (v - (y[i] ?? 0)) ** 2, 0));
}
