/**
 * `dftCandidate`: one DFT calculation of one campaign candidate, as a child workflow (W8) with the
 * business id `<campaign>-dft-<structure id>` (W9). The activity is idempotent by
 * `<campaign>:dft:<structure id>`, so however often this child or its activity is retried there is
 * exactly one `dft_calculations` row. A scientific failure comes back as `status: 'failed'` with
 * its reason; cancellation (stop --cancel) reaches the activity, which kills pw.x and stores the
 * row as `failed` with reason `cancelled`.
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { DftActivities, DftCalculationSummary } from '../activities/dft-calculation.js';
import type { CampaignConfig } from './campaign-config.js';
import { outageTolerantRetry } from './retry-policies.js';

export interface DftCandidateInput {
  readonly campaignId: string;
  readonly roundId: string;
  readonly structureId: string;
  readonly dft: Pick<CampaignConfig['dft'], 'engine' | 'profile' | 'calculation' | 'scheduler'>;
}

const dft = proxyActivities<DftActivities>({
  taskQueue: 'dft',
  startToCloseTimeout: '12 hours',
  // The activity heartbeats every 10 s (also while a SLURM job is queued): a dead worker is
  // noticed after a minute and the calculation retried on another, re-attaching to its job.
  heartbeatTimeout: '1 minute',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: outageTolerantRetry(['EngineInputError', 'EngineSetupError']),
});

export const dftCandidateWorkflowId = (campaignId: string, structureId: string) =>
  `${campaignId}-dft-${structureId}`;

export async function dftCandidate(input: DftCandidateInput): Promise<DftCalculationSummary> {
  return dft.runDftCalculation({
    structureId: input.structureId,
    engine: input.dft.engine,
    profile: input.dft.profile,
    calculation: input.dft.calculation,
    scheduler: input.dft.scheduler,
    idempotencyKey: `${input.campaignId}:dft:${input.structureId}`,
    campaignId: input.campaignId,
    roundId: input.roundId,
  });
}
