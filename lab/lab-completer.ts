/**
 * The other half of async completion: applies a robot's report on a job — from its HTTP callback
 * (`lab-callback-server.ts`) or from the lab worker's poller (`lab-poller.ts`) — to the activity
 * waiting for it, by the task token stored in `lab_experiments.task_token`:
 *
 * - queued/running → progress stored, device lease renewed, activity heartbeat (the workflow's
 *   heartbeat timeout `lab.timeouts.progress` notices a robot, or lab worker, gone silent);
 * - succeeded → measured data and files stored, activity completed with ids only;
 * - failed/cancelled → job state stored, activity failed with `LabJobFailed` (non-retryable
 *   where the robot says a new job cannot help), so Temporal's retry policy decides on a new job.
 *
 * Reports about a job the row is not waiting for (an older job, a finished experiment) are
 * `stale`; about a job not stored yet (a fast robot calling back before `runJob` wrote its id),
 * `unknown-job`, which the receiver answers with 409 so the robot repeats it. Every write is
 * idempotent: two pollers, or a poller and a callback, may report the same thing.
 */
import {
  ActivityCancelledError,
  ActivityNotFoundError,
  type AsyncCompletionClient,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/database.js';
import { renewDeviceLease } from '../db/lab-devices.js';
import {
  FINAL_LAB_STATUSES,
  loadExperiment,
  setJobState,
  storeLabProgress,
  storeLabResult,
} from '../db/lab-experiments.js';
import type { LabJobStatus } from './lab-plugin.js';

export type LabReportOutcome =
  'progress' | 'completed' | 'failed' | 'stale' | 'unknown-job' | 'unknown-experiment';

export class LabCompleter {
  readonly #db: Database;
  readonly #client: AsyncCompletionClient;

  constructor(db: Database, client: AsyncCompletionClient) {
    this.#db = db;
    this.#client = client;
  }

  async apply(experimentId: string, jobId: string, status: LabJobStatus): Promise<LabReportOutcome> {
    const row = await loadExperiment(this.#db, experimentId);
    if (!row) return 'unknown-experiment';
    if (FINAL_LAB_STATUSES.includes(row.status)) return 'stale';
    if (row.robot_job_id !== jobId || row.task_token === null)
      return row.jobs.some((j) => j.jobId === jobId) ? 'stale' : 'unknown-job';
    const token = Buffer.from(row.task_token, 'base64');
    const tolerate = async (call: () => Promise<void>, done: LabReportOutcome): Promise<LabReportOutcome> => {
      try {
        await call();
        return done;
      } catch (err) {
        // The attempt this token belongs to timed out or was cancelled: its retry re-attaches.
        if (err instanceof ActivityNotFoundError || err instanceof ActivityCancelledError) return 'stale';
        throw err;
      }
    };
    switch (status.state) {
      case 'queued':
      case 'running': {
        await storeLabProgress(this.#db, row.id, {
          state: status.state,
          ...status.progress,
          at: new Date().toISOString(),
        });
        if (row.jobs.at(-1)?.state !== status.state) await setJobState(this.#db, row.id, jobId, status.state);
        await renewDeviceLease(this.#db, row.id, row.request.leaseTtlMs);
        return tolerate(() => this.#client.heartbeat(token, { jobId, ...status.progress }), 'progress');
      }
      case 'succeeded':
        await this.storeResult(row.id, jobId, status);
        return tolerate(
          () => this.#client.complete(token, { experimentId: row.id, jobId, state: 'succeeded' }),
          'completed',
        );
      case 'failed':
      case 'cancelled':
        await setJobState(this.#db, row.id, jobId, status.state, status.reason);
        return tolerate(
          () =>
            this.#client.fail(
              token,
              ApplicationFailure.create({
                type: 'LabJobFailed',
                message: `job ${jobId} ${status.state}: ${status.reason}`,
                nonRetryable: !status.retryable,
              }),
            ),
          'failed',
        );
    }
  }

  /** Stores a succeeded job's measured data and files (the same ones again on a repeat). */
  async storeResult(
    experimentId: string,
    jobId: string,
    status: Extract<LabJobStatus, { state: 'succeeded' }>,
  ) {
    await storeLabResult(this.#db, experimentId, status.measured, status.files);
    await setJobState(this.#db, experimentId, jobId, 'succeeded');
  }
}
