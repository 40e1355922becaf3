/** The `campaign_summary` view (db/migrations/002, 004): one row of counts per campaign. */
import type { Database } from './database.js';
import type { CampaignRow } from './campaigns.js';

/** Counts are bigint, so they arrive as text. Later migrations may append columns. */
export interface CampaignSummaryRow {
  readonly campaign_id: string;
  readonly name: string;
  readonly status: CampaignRow['status'];
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly rounds: string;
  readonly generated: string;
  readonly unique_generated: string;
  readonly dft_total: string;
  readonly dft_converged: string;
  readonly dft_failed: string;
  readonly dft_on_hull: string;
  readonly lab_experiments: string;
  readonly dft_confirmed_stable: string;
  readonly dft_stability_unassessed: string;
}

/** Every discovery campaign's summary, newest first. */
export async function discoveryCampaignSummaries(db: Database): Promise<CampaignSummaryRow[]> {
  const r = await db.query<CampaignSummaryRow>(
    "SELECT * FROM campaign_summary WHERE campaign_id IN (SELECT id FROM campaigns WHERE kind = 'discovery') ORDER BY created_at DESC",
  );
  return r.rows;
}
