/** `setCampaignStatus` and `startRound`: the campaign's and the round's bookkeeping rows. */
import type { CampaignActivityDependencies } from './campaign-context.js';

export type CampaignStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

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
      await db.query(
        `UPDATE campaigns SET status = $2, result = coalesce($3::jsonb, result), updated_at = now() WHERE id = $1`,
        [input.campaignId, input.status, input.result ? JSON.stringify(input.result) : null],
      );
    },

    /** The round's row, created once per (campaign, round index); returns its id. */
    async startRound(input: StartRoundInput): Promise<{ roundId: string }> {
      await db.query(
        `INSERT INTO rounds (campaign_id, round_index, mlip_version_id, stage) VALUES ($1, $2, $3, 'generate')
         ON CONFLICT (campaign_id, round_index) DO NOTHING`,
        [input.campaignId, input.roundIndex, input.mlipVersionId],
      );
      const r = await db.query<{ id: string }>(
        'SELECT id::text AS id FROM rounds WHERE campaign_id = $1 AND round_index = $2',
        [input.campaignId, input.roundIndex],
      );
      return { roundId: r.rows[0]!.id };
    },
  };
}
