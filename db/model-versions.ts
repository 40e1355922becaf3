/**
 * The `model_versions` table (db/migrations/001): every MLIP and generator file a campaign ran
 * with, found by its file's sha256 or registered under the next version of its name, with its
 * parent (the model it was fine-tuned from).
 */
import type { Database } from './database.js';

export interface ModelVersionRow {
  readonly id: string;
  readonly kind: 'mlip' | 'generator';
  readonly name: string;
  readonly version: number;
  readonly file_path: string;
  readonly file_sha256: string;
  readonly card: Record<string, unknown>;
  /** Training metrics; a retrained MLIP has `trainedFor` (the round id) and `frames`. */
  readonly metrics: Record<string, unknown>;
  readonly parent_id: string | null;
  readonly created_at: Date;
}

/** The model fine-tuned for the round (`metrics.trainedFor`), or undefined before it is registered. */
export async function findModelTrainedForRound(db: Database, roundId: string): Promise<string | undefined> {
  const previous = await db.query<Pick<ModelVersionRow, 'id'>>(
    `SELECT id::text AS id FROM model_versions WHERE metrics->>'trainedFor' = $1`,
    [roundId],
  );
  return previous.rows[0]?.id;
}

/** The models a campaign's rounds ran with and those fine-tuned from them, oldest first. */
export async function listCampaignModelVersions(
  db: Database,
  campaignId: string,
): Promise<Pick<ModelVersionRow, 'id' | 'name' | 'version' | 'parent_id'>[]> {
  return (
    await db.query<Pick<ModelVersionRow, 'id' | 'name' | 'version' | 'parent_id'>>(
      `SELECT m.id::text AS id, m.name, m.version, m.parent_id::text AS parent_id FROM model_versions m
              WHERE m.id IN (SELECT mlip_version_id FROM rounds WHERE campaign_id = $1)
                 OR m.parent_id IN (SELECT mlip_version_id FROM rounds WHERE campaign_id = $1)
              ORDER BY m.id`,
      [campaignId],
    )
  ).rows;
}

/** The id of the MLIP version whose file has this sha256, or undefined. */
export async function findMlipVersionBySha256(db: Database, fileSha256: string): Promise<string | undefined> {
  const r = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM model_versions WHERE kind = 'mlip' AND file_sha256 = $1`,
    [fileSha256],
  );
  return r.rows[0]?.id;
}

export interface NewMlipVersion {
  /** The model card's name; the version is the next one of this name. */
  readonly name: string;
  readonly filePath: string;
  readonly fileSha256: string;
  readonly card: object;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly parentId: string | null;
}

/**
 * Registers an MLIP file; returns its id, or undefined when a version with this sha256 exists
 * already (a concurrent registration won: read it with `findMlipVersionBySha256`).
 */
export async function insertMlipVersion(db: Database, v: NewMlipVersion): Promise<string | undefined> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO model_versions (kind, name, version, file_path, file_sha256, card, metrics, parent_id)
     VALUES ('mlip', $1, (SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE kind = 'mlip' AND name = $1),
             $2, $3, $4, $5, $6)
     ON CONFLICT (kind, file_sha256) DO NOTHING RETURNING id::text AS id`,
    [v.name, v.filePath, v.fileSha256, JSON.stringify(v.card), JSON.stringify(v.metrics), v.parentId],
  );
  return r.rows[0]?.id;
}

/** The file of a model version, or undefined when it is not recorded. */
export async function modelVersionFilePath(
  db: Database,
  modelVersionId: string,
): Promise<string | undefined> {
  const r = await db.query<{ file_path: string }>('SELECT file_path FROM model_versions WHERE id = $1', [
    modelVersionId,
  ]);
  return r.rows[0]?.file_path;
}
