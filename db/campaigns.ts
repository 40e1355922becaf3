/** The `campaigns` table (db/migrations/001): one row per campaign, keyed by its workflow id. */
import type { CampaignConfig } from '../contracts/campaign-config.js';
import type { Database } from './database.js';

export type CampaignStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

export interface CampaignRow {
  /** The workflow id. */
  readonly id: string;
  readonly kind: 'discovery' | 'hello';
  readonly name: string;
  /** The validated configuration the campaign was started with. */
  readonly config: CampaignConfig;
  readonly status: CampaignStatus;
  /** Small JSON: counts, stop reason. */
  readonly result: Record<string, unknown> | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/** The stored configuration of a campaign, or undefined when it is not recorded. */
export async function findCampaignConfig(
  db: Database,
  campaignId: string,
): Promise<CampaignConfig | undefined> {
  const r = await db.query<Pick<CampaignRow, 'config'>>('SELECT config FROM campaigns WHERE id = $1', [
    campaignId,
  ]);
  return r.rows[0]?.config;
}

/** The status of a campaign that already ended (completed, stopped, failed), or undefined. */
export async function findEndedCampaignStatus(
  db: Database,
  campaignId: string,
): Promise<CampaignStatus | undefined> {
  const r = await db.query<Pick<CampaignRow, 'status'>>(
    `SELECT status FROM campaigns WHERE id = $1 AND status IN ('completed', 'stopped', 'failed')`,
    [campaignId],
  );
  return r.rows[0]?.status;
}

export interface NewCampaign {
  readonly id: string;
  readonly name: string;
  readonly config: CampaignConfig;
}

/** A running discovery campaign's row; nothing when the id is already recorded. */
export async function insertCampaignOnce(db: Database, campaign: NewCampaign): Promise<void> {
  await db.query(
    `INSERT INTO campaigns (id, kind, name, config, status) VALUES ($1, 'discovery', $2, $3, 'running')
       ON CONFLICT (id) DO NOTHING`,
    [campaign.id, campaign.name, JSON.stringify(campaign.config)],
  );
}

/** Sets the status; `result`, when given, replaces the stored one. */
export async function setCampaignStatus(
  db: Database,
  campaignId: string,
  status: CampaignStatus,
  result?: Record<string, unknown>,
): Promise<void> {
  await db.query(
    `UPDATE campaigns SET status = $2, result = coalesce($3::jsonb, result), updated_at = now() WHERE id = $1`,
    [campaignId, status, result ? JSON.stringify(result) : null],
  );
}
