/** Reading and updating `lab_experiments` rows (db/migrations/001 and 005). */
import type { Database } from './database.js';
import type { LabExperimentStatus } from '../contracts/lab-status.js';

export const FINAL_LAB_STATUSES: readonly LabExperimentStatus[] = [
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  'rejected',
];

/** One robot job of an experiment, as kept in `lab_experiments.jobs`. */
export interface LabJobRecord {
  readonly jobId: string;
  readonly key: string;
  readonly state: 'submitted' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  readonly reason?: string | null;
  readonly submittedAt: string;
  readonly finishedAt?: string | null;
}

/** What `lab_experiments.request` holds: the plugin request and the experiment's lab settings. */
export interface LabRequestColumn {
  readonly params: Record<string, unknown>;
  readonly devices: readonly string[];
  readonly leaseTtlMs: number;
}

export interface LabExperimentRow {
  readonly id: string;
  readonly structure_id: string;
  readonly campaign_id: string | null;
  readonly plugin: string;
  readonly device: string | null;
  readonly status: LabExperimentStatus;
  readonly request: LabRequestColumn;
  readonly result: Record<string, unknown> | null;
  readonly failure_reason: string | null;
  readonly idempotency_key: string;
  readonly robot_job_id: string | null;
  readonly jobs: LabJobRecord[];
  readonly task_token: string | null;
}

export async function loadExperiment(
  db: Database,
  experimentId: string,
): Promise<LabExperimentRow | undefined> {
  const r = await db.query<LabExperimentRow>(
    `SELECT id::text AS id, structure_id::text AS structure_id, campaign_id, plugin, device, status, request,
            result, failure_reason, idempotency_key, robot_job_id, jobs, task_token
       FROM lab_experiments WHERE id = $1`,
    [experimentId],
  );
  return r.rows[0];
}

/** Replaces the state of one job in the `jobs` array (by job id). */
export async function setJobState(
  db: Database,
  experimentId: string,
  jobId: string,
  state: LabJobRecord['state'],
  reason: string | null = null,
): Promise<void> {
  const final = state === 'succeeded' || state === 'failed' || state === 'cancelled';
  await db.query(
    `UPDATE lab_experiments
        SET jobs = (SELECT COALESCE(jsonb_agg(CASE WHEN j->>'jobId' = $2
                      THEN j || jsonb_build_object('state', $3::text, 'reason', $4::text,
                                                   'finishedAt', CASE WHEN $5 THEN to_jsonb(now()) ELSE j->'finishedAt' END)
                      ELSE j END ORDER BY ord), '[]'::jsonb)
                      FROM jsonb_array_elements(jobs) WITH ORDINALITY AS t(j, ord)),
            updated_at = now()
      WHERE id = $1`,
    [experimentId, jobId, state, reason, final],
  );
}
