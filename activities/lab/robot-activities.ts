/**
 * A plugin's activities (queue `lab`), named `lab.<plugin>.runJob` and `lab.<plugin>.cancelJob`
 * so that a worker without the plugin never runs them by mistake.
 *
 * `runJob` submits one job for the experiment's structure and returns through async completion
 * (`CompleteAsyncError`): the worker slot is free at once, and the robot's callbacks or the lab
 * worker's poller heartbeat, complete or fail the activity by the task token stored in the row
 * (`lab-completer.ts`). A retried attempt first looks at the job it already has: still running →
 * it re-attaches (stores its own task token, submits nothing); succeeded → it returns; failed →
 * it submits the next job, `<experiment key>:job<k+1>`. The robot is idempotent by job key, so an
 * attempt that died between submitting and storing the job id gets the same job back.
 */
import { ApplicationFailure, CompleteAsyncError, Context } from '@temporalio/activity';
import type { Database } from '../../db/database.js';
import { structureFromRow } from '../../db/structure-row.js';
import { findStructureGeometry } from '../../db/structures.js';
import { labActivityType } from '../../contracts/lab-activity-type.js';
import type { LabCompleter } from '../../lab/lab-completer.js';
import {
  FINAL_LAB_STATUSES,
  loadExperiment,
  recordSubmittedLabJob,
  setJobState,
  storeLabTaskToken,
} from '../../db/lab-experiments.js';
import { LabJobStatusSchema, LabRequestRejected, type LabStructure } from '../../lab/lab-plugin.js';
import type { LoadedLabPlugin } from '../../lab/load-lab-plugin.js';

export interface RunLabJobInput {
  readonly experimentId: string;
}

export interface RunLabJobResult {
  readonly experimentId: string;
  readonly jobId: string;
  readonly state: 'succeeded';
}

export interface RobotActivityDependencies {
  readonly db: Database;
  readonly plugin: LoadedLabPlugin;
  readonly completer: LabCompleter;
  /** The URL a robot POSTs its reports to, or null where no callback receiver runs. */
  readonly callbackUrlFor: (experimentId: string) => string | null;
}

/** Longest wait for a robot's answer to a status request inside `runJob`, ms. */
const STATUS_TIMEOUT_MS = 30_000;

const rejected = (message: string) => ApplicationFailure.nonRetryable(message, 'LabRequestRejected');

export function createRobotActivities(deps: RobotActivityDependencies) {
  const { db, plugin, completer } = deps;
  const { robot } = plugin;

  async function runJob(input: RunLabJobInput): Promise<RunLabJobResult> {
    const ctx = Context.current();
    const signal = ctx.cancellationSignal;
    const row = await loadExperiment(db, input.experimentId);
    if (!row) throw ApplicationFailure.nonRetryable(`lab experiment ${input.experimentId} does not exist`);
    if (FINAL_LAB_STATUSES.includes(row.status))
      throw ApplicationFailure.nonRetryable(
        `lab experiment ${row.id} is already ${row.status}`,
        'LabExperimentFinished',
      );
    if (row.device === null)
      throw ApplicationFailure.nonRetryable(`lab experiment ${row.id} holds no device`);
    const token = Buffer.from(ctx.info.taskToken).toString('base64');

    if (row.robot_job_id !== null) {
      const jobId = row.robot_job_id;
      // Bounded: a robot that never answers must not keep this attempt open past its heartbeat timeout.
      const status = LabJobStatusSchema.parse(
        await robot.status(
          jobId,
          AbortSignal.any([
            signal,
            AbortSignal.timeout(
              Math.min(STATUS_TIMEOUT_MS, ctx.info.heartbeatTimeoutMs || STATUS_TIMEOUT_MS),
            ),
          ]),
        ),
      );
      if (status.state === 'queued' || status.state === 'running') {
        await storeLabTaskToken(db, row.id, token);
        ctx.heartbeat({ jobId, reattached: true });
        throw new CompleteAsyncError();
      }
      if (status.state === 'succeeded') {
        await completer.storeResult(row.id, jobId, status);
        return { experimentId: row.id, jobId, state: 'succeeded' };
      }
      if (status.state === 'failed' || status.state === 'cancelled') {
        await setJobState(db, row.id, jobId, status.state, status.reason);
        if (!status.retryable)
          throw ApplicationFailure.nonRetryable(
            `job ${jobId} ${status.state}: ${status.reason}`,
            'LabJobFailed',
          );
      }
    }

    const parsed = (plugin.requestSchema ?? null)?.safeParse(row.request.params);
    if (parsed && !parsed.success)
      throw rejected(
        `lab.request does not suit plugin ${plugin.name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`,
      );
    const stored = await findStructureGeometry(db, row.structure_id);
    if (!stored) throw rejected(`structure ${row.structure_id} does not exist`);
    const s = structureFromRow(stored);
    const structure: LabStructure = {
      id: row.structure_id,
      reducedFormula: stored.reduced_formula,
      species: [...s.species],
      latticeA: s.lattice.map((v) => [...v]),
      fracCoords: s.fracCoords.map((v) => [...v]),
    };
    const key = `${row.idempotency_key}:job${row.jobs.length + 1}`;
    let jobId: string;
    try {
      ({ jobId } = await robot.submit(
        {
          key,
          experimentId: row.id,
          experimentKey: row.idempotency_key,
          device: row.device,
          structure,
          request: parsed?.success ? parsed.data : row.request.params,
          callbackUrl: deps.callbackUrlFor(row.id),
        },
        signal,
      ));
    } catch (err) {
      if (err instanceof LabRequestRejected) throw rejected(err.message);
      throw err;
    }
    await recordSubmittedLabJob(db, row.id, { jobId, key, taskToken: token });
    ctx.heartbeat({ jobId });
    throw new CompleteAsyncError();
  }

  /** Aborts the experiment's job at the robot, if one is unfinished; best effort, idempotent. */
  async function cancelJob(input: RunLabJobInput): Promise<void> {
    const row = await loadExperiment(db, input.experimentId);
    const job = row?.jobs.at(-1);
    if (!row || !job || ['succeeded', 'failed', 'cancelled'].includes(job.state)) return;
    await robot.cancel(job.jobId, Context.current().cancellationSignal);
    await setJobState(db, row.id, job.jobId, 'cancelled', 'cancelled by matdisc');
  }

  return {
    [labActivityType(plugin.name, 'runJob')]: runJob,
    [labActivityType(plugin.name, 'cancelJob')]: cancelJob,
  } as Record<string, typeof runJob | typeof cancelJob>;
}
