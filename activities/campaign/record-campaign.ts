/**
 * `recordCampaign`: the campaign row (with its validated configuration) and the starting MLIP as a
 * `model_versions` row, both idempotent. It re-runs the file checks, so a configuration that
 * cannot run fails here with a non-retryable `CampaignConfigError` before any round starts; so does
 * an id that belongs to a campaign that already ended (its rounds would mix with this run's).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Database } from '../../db/database.js';
import { findEndedCampaignStatus, insertCampaignOnce } from '../../db/campaigns.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { findMlipVersionBySha256, insertMlipVersion } from '../../db/model-versions.js';
import { readModelCard, cardPathFor } from '../../models/mlip/index.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import type { CampaignActivityDependencies } from './campaign-context.js';
import {
  CampaignConfigError,
  parseCampaignConfig,
  validateCampaignId,
} from '../../contracts/campaign-config.js';
import { checkCampaignResources } from '../../campaign/campaign-resources.js';

export interface RecordCampaignInput {
  readonly campaignId: string;
  readonly config: CampaignConfig;
}

export interface RecordCampaignResult {
  readonly mlipVersionId: string;
}

/** Registers a potential file as a model version (or finds it by its sha256). */
export async function registerMlipVersion(
  db: Database,
  path: string,
  parentId: string | null,
  metrics: Record<string, unknown> = {},
): Promise<string> {
  const sha = createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
  const found = await findMlipVersionBySha256(db, sha);
  if (found !== undefined) return found;
  const card = await readModelCard(cardPathFor(path));
  const inserted = await insertMlipVersion(db, {
    name: card.name,
    filePath: path,
    fileSha256: sha,
    card,
    metrics,
    parentId,
  });
  if (inserted !== undefined) return inserted;
  return (await findMlipVersionBySha256(db, sha))!;
}

export function createRecordCampaign(deps: CampaignActivityDependencies) {
  return async function recordCampaign(input: RecordCampaignInput): Promise<RecordCampaignResult> {
    let resolved;
    try {
      validateCampaignId(input.campaignId, 'campaignId');
      const config = parseCampaignConfig(input.config);
      resolved = await checkCampaignResources(config, { pseudoDir: deps.pseudoDir });
      const ended = await findEndedCampaignStatus(deps.db, input.campaignId);
      if (ended)
        throw new CampaignConfigError([
          {
            field: 'campaignId',
            message: `${input.campaignId} is a campaign that already ended (${ended}); start the new one under a new id`,
          },
        ]);
    } catch (err) {
      if (err instanceof CampaignConfigError)
        throw ApplicationFailure.create({
          message: err.message,
          type: 'CampaignConfigError',
          nonRetryable: true,
          details: [err.issues],
        });
      throw err;
    }
    await insertCampaignOnce(deps.db, {
      id: input.campaignId,
      name: input.config.name,
      config: input.config,
    });
    const mlipVersionId = await registerMlipVersion(deps.db, resolved.mlipPath, null);
    await insertOnce(
      deps.db,
      'events',
      {
        campaign_id: input.campaignId,
        kind: 'campaign_started',
        activity: 'recordCampaign',
        payload: { mlipVersionId },
      },
      `${input.campaignId}:recordCampaign`,
    );
    return { mlipVersionId };
  };
}
