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
import { insertOnce } from '../../db/idempotent-insert.js';
import { readModelCard, cardPathFor } from '../../models/potential/index.js';
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
  const found = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM model_versions WHERE kind = 'mlip' AND file_sha256 = $1`,
    [sha],
  );
  if (found.rows[0]) return found.rows[0].id;
  const card = await readModelCard(cardPathFor(path));
  const r = await db.query<{ id: string }>(
    `INSERT INTO model_versions (kind, name, version, file_path, file_sha256, card, metrics, parent_id)
     VALUES ('mlip', $1, (SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE kind = 'mlip' AND name = $1),
             $2, $3, $4, $5, $6)
     ON CONFLICT (kind, file_sha256) DO NOTHING RETURNING id::text AS id`,
    [card.name, path, sha, JSON.stringify(card), JSON.stringify(metrics), parentId],
  );
  if (r.rows[0]) return r.rows[0].id;
  return (
    await db.query<{ id: string }>(
      `SELECT id::text AS id FROM model_versions WHERE kind = 'mlip' AND file_sha256 = $1`,
      [sha],
    )
  ).rows[0]!.id;
}

export function createRecordCampaign(deps: CampaignActivityDependencies) {
  return async function recordCampaign(input: RecordCampaignInput): Promise<RecordCampaignResult> {
    let resolved;
    try {
      validateCampaignId(input.campaignId, 'campaignId');
      const config = parseCampaignConfig(input.config);
      resolved = await checkCampaignResources(config, { pseudoDir: deps.pseudoDir });
      const ended = await deps.db.query<{ status: string }>(
        `SELECT status FROM campaigns WHERE id = $1 AND status IN ('completed', 'stopped', 'failed')`,
        [input.campaignId],
      );
      if (ended.rows[0])
        throw new CampaignConfigError([
          {
            field: 'campaignId',
            message: `${input.campaignId} is a campaign that already ended (${ended.rows[0].status}); start the new one under a new id`,
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
    await deps.db.query(
      `INSERT INTO campaigns (id, kind, name, config, status) VALUES ($1, 'discovery', $2, $3, 'running')
       ON CONFLICT (id) DO NOTHING`,
      [input.campaignId, input.config.name, JSON.stringify(input.config)],
    );
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
