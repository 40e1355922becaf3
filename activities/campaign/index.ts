/**
 * The discovery campaign's activities (`workflows/campaign.ts`), one concept per file, built by
 * one factory over their dependencies (STYLE.md W2). Each stores its results in PostgreSQL under
 * idempotency keys and returns ids and counts only.
 *
 * ```ts
 * const activities = { ...createCampaignActivities({ db, workRoot, pseudoDir }) };
 * ```
 */
import type { CampaignActivityDependencies } from './campaign-context.js';
import { createCampaignStatusActivities } from './campaign-status.js';
import { createDeduplicate } from './deduplicate.js';
import { createPlanDftReferences } from './dft-references.js';
import { createGenerateCandidates } from './generate-candidates.js';
import { keepAlive } from './keep-alive.js';
import { createPlaceOnHull } from './place-on-hull.js';
import { createRecordCampaign } from './record-campaign.js';
import { createRecordRoundSummary } from './record-round-summary.js';
import { createRelaxAndScore } from './relax-and-score.js';
import { createRetrainMlip } from './retrain-mlip.js';
import { createSelectForDft } from './select-for-dft.js';

export type { CampaignActivityDependencies } from './campaign-context.js';

/** Each activity heartbeats while it runs (`keep-alive.ts`): a killed worker is noticed in a minute. */
export function createCampaignActivities(deps: CampaignActivityDependencies) {
  return keepAlive({
    recordCampaign: createRecordCampaign(deps),
    ...createCampaignStatusActivities(deps),
    generateCandidates: createGenerateCandidates(deps),
    relaxAndScore: createRelaxAndScore(deps),
    deduplicate: createDeduplicate(deps),
    placeOnHull: createPlaceOnHull(deps),
    selectForDft: createSelectForDft(deps),
    planDftReferences: createPlanDftReferences(deps),
    recordRoundSummary: createRecordRoundSummary(deps),
    retrainMlip: createRetrainMlip(deps),
  });
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;
