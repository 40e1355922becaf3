/** The `rounds` table (db/migrations/001): one row per (campaign, round index). */
import type { Database } from './database.js';

export interface RoundRow {
  readonly id: string;
  readonly campaign_id: string;
  readonly round_index: number;
  /** The MLIP the round relaxes and scores with (set by `startRound`). */
  readonly mlip_version_id: string | null;
  /** The stage the round is in: generate, relax, deduplicate, hull, ..., summary. */
  readonly stage: string;
  /** The round's `RoundSummary` once recorded, `{}` before. */
  readonly summary: Record<string, unknown>;
  readonly started_at: Date;
  readonly finished_at: Date | null;
}

/** Index and MLIP of a round, or undefined when it is not recorded. */
export async function findRound(
  db: Database,
  roundId: string,
): Promise<Pick<RoundRow, 'round_index' | 'mlip_version_id'> | undefined> {
  const r = await db.query<Pick<RoundRow, 'round_index' | 'mlip_version_id'>>(
    'SELECT round_index, mlip_version_id::text AS mlip_version_id FROM rounds WHERE id = $1',
    [roundId],
  );
  return r.rows[0];
}

export async function setRoundStage(db: Database, roundId: string, stage: string): Promise<void> {
  await db.query('UPDATE rounds SET stage = $2 WHERE id = $1', [roundId, stage]);
}

export interface NewRound {
  readonly campaignId: string;
  readonly roundIndex: number;
  readonly mlipVersionId: string;
}

/** The round's row at stage 'generate'; nothing when (campaign, round index) is already recorded. */
export async function insertRoundOnce(db: Database, round: NewRound): Promise<void> {
  await db.query(
    `INSERT INTO rounds (campaign_id, round_index, mlip_version_id, stage) VALUES ($1, $2, $3, 'generate')
         ON CONFLICT (campaign_id, round_index) DO NOTHING`,
    [round.campaignId, round.roundIndex, round.mlipVersionId],
  );
}

/** The id of a campaign's round, or undefined. */
export async function findRoundId(
  db: Database,
  campaignId: string,
  roundIndex: number,
): Promise<string | undefined> {
  const r = await db.query<Pick<RoundRow, 'id'>>(
    'SELECT id::text AS id FROM rounds WHERE campaign_id = $1 AND round_index = $2',
    [campaignId, roundIndex],
  );
  return r.rows[0]?.id;
}

/** Stores the round's summary and marks it finished (keeping the first finish time). */
export async function finishRound(db: Database, roundId: string, summary: object): Promise<void> {
  await db.query(`UPDATE rounds SET summary = $2, finished_at = coalesce(finished_at, now()) WHERE id = $1`, [
    roundId,
    JSON.stringify(summary),
  ]);
}

/** Every round of a campaign with its summary, in order. */
export async function listRoundSummaries(
  db: Database,
  campaignId: string,
): Promise<Pick<RoundRow, 'round_index' | 'summary'>[]> {
  const r = await db.query<Pick<RoundRow, 'round_index' | 'summary'>>(
    'SELECT round_index, summary FROM rounds WHERE campaign_id = $1 ORDER BY round_index',
    [campaignId],
  );
  return r.rows;
}
