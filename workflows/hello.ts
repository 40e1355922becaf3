/**
 * The walking skeleton: one workflow that crosses every boundary once. It records a campaign row,
 * runs a tiny real pw.x SCF (bulk Si, 2 atoms) and marks the campaign completed with the
 * calculation's id. Everything it passes around is an id; the energies live in PostgreSQL.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { HelloActivities } from '../activities/hello.js';

export interface HelloCampaignInput {
  readonly campaignId: string;
}

export interface HelloCampaignResult {
  readonly campaignId: string;
  readonly dftCalculationId: string;
  readonly status: 'converged' | 'failed';
}

const database = proxyActivities<HelloActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10, initialInterval: '1 second' },
});

const dft = proxyActivities<HelloActivities>({
  startToCloseTimeout: '20 minutes',
  heartbeatTimeout: '2 minutes',
  retry: {
    maximumAttempts: 3,
    initialInterval: '2 seconds',
    nonRetryableErrorTypes: ['EngineInputError', 'EngineSetupError'],
  },
});

export async function helloCampaign(input: HelloCampaignInput): Promise<HelloCampaignResult> {
  await database.recordHelloCampaign({ campaignId: input.campaignId });
  const scf = await dft.runSiliconScf({ campaignId: input.campaignId });
  await database.completeHelloCampaign({
    campaignId: input.campaignId,
    dftCalculationId: scf.dftCalculationId,
  });
  return { campaignId: input.campaignId, dftCalculationId: scf.dftCalculationId, status: scf.status };
}
