/**
 * What every campaign activity needs: its dependencies, and the few reads they share (the stored
 * configuration, a round's row, a model version's file). Payloads are ids (DESIGN.md); the rest is
 * read here.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Database } from '../../db/database.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';

export interface CampaignActivityDependencies {
  readonly db: Database;
  /** Root of working directories (training exports, DFT job directories). */
  readonly workRoot: string;
  /** SSSP pseudopotentials for QE (default: PSEUDO_DIR). */
  readonly pseudoDir?: string | undefined;
  /** Python of the trainer (default `.venv/bin/python` of this checkout). */
  readonly python?: string;
}

/** A round as activities address it. */
export interface RoundRef {
  readonly campaignId: string;
  readonly roundId: string;
}

export async function campaignConfig(db: Database, campaignId: string): Promise<CampaignConfig> {
  const r = await db.query<{ config: CampaignConfig }>('SELECT config FROM campaigns WHERE id = $1', [
    campaignId,
  ]);
  if (!r.rows[0])
    throw ApplicationFailure.nonRetryable(`campaign ${campaignId} is not recorded`, 'CampaignNotFound');
  return r.rows[0].config;
}

export interface RoundRow {
  readonly roundIndex: number;
  readonly mlipVersionId: string;
}

export async function roundRow(db: Database, roundId: string): Promise<RoundRow> {
  const r = await db.query<{ round_index: number; mlip_version_id: string }>(
    'SELECT round_index, mlip_version_id::text AS mlip_version_id FROM rounds WHERE id = $1',
    [roundId],
  );
  if (!r.rows[0])
    throw ApplicationFailure.nonRetryable(`round ${roundId} is not recorded`, 'CampaignNotFound');
  return { roundIndex: r.rows[0].round_index, mlipVersionId: r.rows[0].mlip_version_id };
}

export async function modelFile(db: Database, modelVersionId: string): Promise<string> {
  const r = await db.query<{ file_path: string }>('SELECT file_path FROM model_versions WHERE id = $1', [
    modelVersionId,
  ]);
  if (!r.rows[0])
    throw ApplicationFailure.nonRetryable(
      `model version ${modelVersionId} is not recorded`,
      'CampaignNotFound',
    );
  return r.rows[0].file_path;
}

export async function setStage(db: Database, roundId: string, stage: string): Promise<void> {
  await db.query('UPDATE rounds SET stage = $2 WHERE id = $1', [roundId, stage]);
}

/** Level of theory of MLIP predictions: one per model version, so hulls never mix versions. */
export const mlipLevelOfTheory = (modelVersionId: string) => `mlip:${modelVersionId}`;
