/** Reading and updating `lab_experiments` rows (db/migrations/001 and 005). */
import type { Database } from './database.js';
import type { LabExperimentStatus } from '../contracts/lab-status.js';

/** The statuses an experiment ends in; none is ever overwritten. */
export type FinalLabStatus = Extract<
  LabExperimentStatus,
  'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'rejected'
>;

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

/** Records the operator's decision once; an experiment still `requested` becomes `approved` if approved. */
export async function recordLabDecision(
  db: Database,
  experimentId: string,
  decision: { readonly by: string; readonly note: string | null; readonly approved: boolean },
): Promise<void> {
  await db.query(
    `UPDATE lab_experiments
            SET decided_by = $2, decision_note = $3, decided_at = COALESCE(decided_at, now()),
                status = CASE WHEN status = 'requested' AND $4 THEN 'approved' ELSE status END, updated_at = now()
          WHERE id = $1 AND decided_at IS NULL`,
    [experimentId, decision.by, decision.note, decision.approved],
  );
}

/** Marks the experiment as waiting for a free device. */
export async function markLabExperimentQueued(db: Database, experimentId: string): Promise<void> {
  await db.query(`UPDATE lab_experiments SET status = 'queued', updated_at = now() WHERE id = $1`, [
    experimentId,
  ]);
}

/** Writes the final status once (a final status is never overwritten) and forgets the task token. */
export async function finishLabExperiment(
  db: Database,
  experimentId: string,
  status: FinalLabStatus,
  reason: string | null,
): Promise<void> {
  await db.query(
    `UPDATE lab_experiments
            SET status = $2, failure_reason = $3, finished_at = now(), task_token = NULL, updated_at = now()
          WHERE id = $1 AND NOT (status = ANY($4::text[]))`,
    [experimentId, status, reason, FINAL_LAB_STATUSES],
  );
}

/** Stores the task token (base64) of the activity attempt now waiting for the robot's job. */
export async function storeLabTaskToken(
  db: Database,
  experimentId: string,
  taskToken: string,
): Promise<void> {
  await db.query(`UPDATE lab_experiments SET task_token = $2, updated_at = now() WHERE id = $1`, [
    experimentId,
    taskToken,
  ]);
}

/**
 * Records a submitted robot job as the one being waited for (with the waiting attempt's task
 * token) and appends it to `jobs` unless it is there already; the experiment is `running`.
 */
export async function recordSubmittedLabJob(
  db: Database,
  experimentId: string,
  job: { readonly jobId: string; readonly key: string; readonly taskToken: string },
): Promise<void> {
  await db.query(
    `UPDATE lab_experiments
          SET robot_job_id = $2, task_token = $3, status = 'running', started_at = COALESCE(started_at, now()),
              jobs = CASE WHEN jobs @> jsonb_build_array(jsonb_build_object('jobId', $2::text)) THEN jobs
                          ELSE jobs || jsonb_build_array(jsonb_build_object('jobId', $2::text, 'key', $4::text,
                                 'state', 'submitted', 'submittedAt', now())) END,
              updated_at = now()
        WHERE id = $1`,
    [experimentId, job.jobId, job.taskToken, job.key],
  );
}

/** Stores the robot's last progress report (`lab_experiments.progress`). */
export async function storeLabProgress(
  db: Database,
  experimentId: string,
  progress: Readonly<Record<string, unknown>>,
): Promise<void> {
  await db.query(`UPDATE lab_experiments SET progress = $2, updated_at = now() WHERE id = $1`, [
    experimentId,
    JSON.stringify(progress),
  ]);
}

/** Stores a succeeded job's measured data and files (the same ones again on a repeat). */
export async function storeLabResult(
  db: Database,
  experimentId: string,
  measured: Readonly<Record<string, unknown>>,
  files: readonly unknown[],
): Promise<void> {
  await db.query(
    `UPDATE lab_experiments
          SET result = $2, files = $3, progress = jsonb_build_object('state', 'succeeded', 'fraction', 1, 'at', now()),
              updated_at = now()
        WHERE id = $1`,
    [experimentId, JSON.stringify(measured), JSON.stringify(files)],
  );
}

/** The plugin of an experiment, or undefined when there is no such experiment. */
export async function findLabExperimentPlugin(
  db: Database,
  experimentId: string,
): Promise<string | undefined> {
  const row = await db.query<Pick<LabExperimentRow, 'plugin'>>(
    'SELECT plugin FROM lab_experiments WHERE id = $1',
    [experimentId],
  );
  return row.rows[0]?.plugin;
}

/** The workflow of an experiment; null when it has none, undefined when there is no such experiment. */
export async function findLabExperimentWorkflowId(
  db: Database,
  experimentId: string,
): Promise<string | null | undefined> {
  const row = await db.query<{ workflow_id: string | null }>(
    'SELECT workflow_id FROM lab_experiments WHERE id = $1',
    [experimentId],
  );
  return row.rows[0]?.workflow_id;
}

/** A running experiment whose robot job an activity is waiting for (it has a task token). */
export interface WaitingLabJob {
  readonly id: string;
  readonly plugin: string;
  readonly robot_job_id: string;
}

/** The running experiments of these plugins that wait for a robot job, by id. */
export async function listWaitingLabJobs(db: Database, plugins: readonly string[]): Promise<WaitingLabJob[]> {
  return (
    await db.query<WaitingLabJob>(
      `SELECT id::text AS id, plugin, robot_job_id FROM lab_experiments
        WHERE status = 'running' AND plugin = ANY($1::text[]) AND robot_job_id IS NOT NULL AND task_token IS NOT NULL
        ORDER BY id`,
      [plugins],
    )
  ).rows;
}

/** One line of `matdisc lab list`. */
export interface LabExperimentListRow {
  readonly id: string;
  readonly workflow_id: string | null;
  readonly campaign_id: string | null;
  readonly structure_id: string;
  readonly reduced_formula: string;
  readonly plugin: string;
  readonly device: string | null;
  readonly status: LabExperimentStatus;
  readonly failure_reason: string | null;
  /** How many robot jobs were submitted. */
  readonly jobs: number;
  readonly updated_at: Date;
}

/** Every experiment (of one campaign, or all when `campaignId` is null), by id. */
export async function listLabExperiments(
  db: Database,
  campaignId: string | null,
): Promise<LabExperimentListRow[]> {
  return (
    await db.query<LabExperimentListRow>(
      `SELECT l.id::text AS id, l.workflow_id, l.campaign_id, l.structure_id::text AS structure_id,
                    s.reduced_formula, l.plugin, l.device, l.status, l.failure_reason, jsonb_array_length(l.jobs) AS jobs,
                    l.updated_at
               FROM lab_experiments l JOIN structures s ON s.id = l.structure_id
              WHERE $1::text IS NULL OR l.campaign_id = $1 ORDER BY l.id`,
      [campaignId],
    )
  ).rows;
}

/** A round's candidate for the lab: a converged DFT calculation with its e_above_hull, eV/atom. */
export interface LabCandidateRow {
  readonly structure_id: string;
  readonly dft_id: string;
  /** From the DFT calculation, null where the campaign has not stored it. */
  readonly dft_e_hull: number | null;
  /** From the structure's latest MLIP prediction. */
  readonly mlip_e_hull: number | null;
}

export interface LabCandidateQuery {
  readonly campaignId: string;
  readonly roundId: string;
  readonly maxEAboveHullEvPerAtom: number;
  readonly plugin: string;
  readonly limit: number;
}

/**
 * The round's converged DFT calculations whose e_above_hull (DFT, else the MLIP's) is at most
 * the limit and whose structure was never sent to this plugin, lowest first, then by structure id.
 */
export async function listLabCandidates(db: Database, q: LabCandidateQuery): Promise<LabCandidateRow[]> {
  return (
    await db.query<LabCandidateRow>(
      `SELECT d.structure_id::text AS structure_id, d.id::text AS dft_id,
              d.e_above_hull_ev_per_atom AS dft_e_hull, p.e_above_hull_ev_per_atom AS mlip_e_hull
         FROM dft_calculations d
         LEFT JOIN LATERAL (SELECT e_above_hull_ev_per_atom FROM predictions p
                             WHERE p.structure_id = d.structure_id ORDER BY p.id DESC LIMIT 1) p ON true
        WHERE d.campaign_id = $1 AND d.round_id = $2 AND d.status = 'converged'
          AND COALESCE(d.e_above_hull_ev_per_atom, p.e_above_hull_ev_per_atom) <= $3
          AND NOT EXISTS (SELECT 1 FROM lab_experiments l WHERE l.structure_id = d.structure_id AND l.plugin = $4)
        ORDER BY COALESCE(d.e_above_hull_ev_per_atom, p.e_above_hull_ev_per_atom), d.structure_id
        LIMIT $5`,
      [q.campaignId, q.roundId, q.maxEAboveHullEvPerAtom, q.plugin, q.limit],
    )
  ).rows;
}
