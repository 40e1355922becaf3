/**
 * What every campaign activity needs: its dependencies, and the few reads they share (the stored
 * configuration, a round's row, a model version's file). Payloads are ids (DESIGN.md); the rest is
 * read here.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Database } from '../../db/database.js';
import { findCampaignConfig } from '../../db/campaigns.js';
import { modelVersionFilePath } from '../../db/model-versions.js';
import { findRound, setRoundStage } from '../../db/rounds.js';
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
  const config = await findCampaignConfig(db, campaignId);
  if (!config)
    throw ApplicationFailure.nonRetryable(`campaign ${campaignId} is not recorded`, 'CampaignNotFound');
  return config;
}

export interface RoundRow {
  readonly roundIndex: number;
  readonly mlipVersionId: string;
}

export async function roundRow(db: Database, roundId: string): Promise<RoundRow> {
  const round = await findRound(db, roundId);
  if (!round) throw ApplicationFailure.nonRetryable(`round ${roundId} is not recorded`, 'CampaignNotFound');
  // `startRound` always records the round's MLIP.
  return { roundIndex: round.round_index, mlipVersionId: round.mlip_version_id! };
}

export async function modelFile(db: Database, modelVersionId: string): Promise<string> {
  const path = await modelVersionFilePath(db, modelVersionId);
  if (path === undefined)
    throw ApplicationFailure.nonRetryable(
      `model version ${modelVersionId} is not recorded`,
      'CampaignNotFound',
    );
  return path;
}

export async function setStage(db: Database, roundId: string, stage: string): Promise<void> {
  await setRoundStage(db, roundId, stage);
}

/** Level of theory of MLIP predictions: one per model version, so hulls never mix versions. */
export const mlipLevelOfTheory = (modelVersionId: string) => `mlip:${modelVersionId}`;
