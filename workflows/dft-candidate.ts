/**
 * `dftCandidate`: one DFT calculation of one campaign candidate, as a child workflow (W8) with the
 * business id `<campaign>-dft-<structure id>` (W9). The activity is idempotent by
 * `<campaign>:dft:<structure id>`, so however often this child or its activity is retried there is
 * exactly one `dft_calculations` row. A scientific failure comes back as `status: 'failed'` with
 * its reason; cancellation (stop --cancel) reaches the activity, which kills pw.x and stores the
 * row as `failed` with reason `cancelled`. The candidate goes to DFT refined to its space group in
 * its primitive cell unless the campaign sets `dft.symmetrize: false` (`dft/symmetrize-input.ts`).
 */
import type { DftCalculationSummary } from '../activities/dft/dft-activities.js';
import type { CampaignConfig } from '../contracts/campaign-config.js';
import { dftActivity } from './dft-activity.js';

export interface DftCandidateInput {
  readonly campaignId: string;
  readonly roundId: string;
  readonly structureId: string;
  readonly dft: Pick<CampaignConfig['dft'], 'engine' | 'profile' | 'calculation' | 'scheduler'> &
    Partial<Pick<CampaignConfig['dft'], 'symmetrize'>>;
}

export const dftCandidateWorkflowId = (campaignId: string, structureId: string) =>
  `${campaignId}-dft-${structureId}`;

export async function dftCandidate(input: DftCandidateInput): Promise<DftCalculationSummary> {
  return dftActivity.runDftCalculation({
    structureId: input.structureId,
    engine: input.dft.engine,
    profile: input.dft.profile,
    calculation: input.dft.calculation,
    scheduler: input.dft.scheduler,
    idempotencyKey: `${input.campaignId}:dft:${input.structureId}`,
    campaignId: input.campaignId,
    roundId: input.roundId,
    // Campaigns started before `dft.symmetrize` existed have no such field: the default, true.
    symmetrize: input.dft.symmetrize ?? true,
  });
}
