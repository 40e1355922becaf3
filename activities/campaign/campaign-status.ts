/** `setCampaignStatus` and `startRound`: the campaign's and the round's bookkeeping rows. */
import { setCampaignStatus, type CampaignStatus } from '../../db/campaigns.js';
import { findRoundId, insertRoundOnce } from '../../db/rounds.js';
import type { CampaignActivityDependencies } from './campaign-context.js';

export type { CampaignStatus };

export interface SetCampaignStatusInput {
  readonly campaignId: string;
  readonly status: CampaignStatus;
  /** Small JSON stored in `campaigns.result` (counts, stop reason). */
  readonly result?: Record<string, unknown>;
}

export interface StartRoundInput {
  readonly campaignId: string;
  readonly roundIndex: number;
  readonly mlipVersionId: string;
}

export function createCampaignStatusActivities(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return {
    async setCampaignStatus(input: SetCampaignStatusInput): Promise<void> {
      await setCampaignStatus(db, input.campaignId, input.status, input.result);
    },

    /** The round's row, created once per (campaign, round index); returns its id. */
    async startRound(input: StartRoundInput): Promise<{ roundId: string }> {
      await insertRoundOnce(db, input);
      return { roundId: (await findRoundId(db, input.campaignId, input.roundIndex))! };
    },
  };
}
