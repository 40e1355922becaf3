/**
 * `labExperiment`: one candidate through one robot, as a workflow that may wait days without
 * holding a worker (workflow id `<campaign>-lab-<plugin>-<structure id>`, W9). Steps:
 *
 * 1. record the experiment (`lab_experiments`, idempotency key `<workflow id>:experiment`);
 * 2. operator approval, when `lab.approval.required`: the `approve`/`reject` signals
 *    (`matdisc lab approve|reject ID`); no decision within `lab.approval.timeout` → `timed_out`;
 * 3. take a device (`acquireLabDevice`): busy → the activity's retry policy waits, up to
 *    `lab.timeouts.deviceWait` → `timed_out`; the device is held under a lease (db/lab-devices.ts);
 * 4. run the job (`lab.<plugin>.runJob`): async completion, so nothing runs while the robot works;
 *    the robot's reports (callback or poll) heartbeat it within `lab.timeouts.progress`; a failed
 *    job the plugin calls retryable is submitted again, `lab.retry.maxAttempts` jobs at most;
 *    past `lab.timeouts.experiment` → `timed_out` and the job is cancelled at the robot;
 * 5. store the outcome and free the device (`finishLabExperiment`).
 *
 * Every ending is a stored status (`succeeded`, `failed`, `timed_out`, `rejected`, `cancelled`)
 * with its reason, and the workflow completes normally: a robot that never answers does not fail
 * a campaign. Cancelling the workflow (`matdisc lab cancel ID`) cancels the robot's job, stores
 * `cancelled` and frees the device before the cancellation completes.
 */
import { msToNumber } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { LabActivities, LabExperimentSummary } from '../activities/lab/lab-activities.js';
import type { RunLabJobInput, RunLabJobResult } from '../activities/lab/robot-activities.js';
import { labActivityType } from '../contracts/lab-activity-type.js';
import type { LabConfig } from '../contracts/lab-config.js';
import {
  approveSignal,
  labExperimentStatusQuery,
  rejectSignal,
  type LabDecisionInput,
  type LabExperimentStage,
  type LabExperimentStateSummary,
  type LabExperimentStatus,
} from './lab-messages.js';

export interface LabExperimentInput {
  readonly campaignId: string | null;
  readonly roundId: string | null;
  readonly structureId: string;
  readonly lab: LabConfig;
  /** Why the candidate was chosen; stored with the experiment. */
  readonly selection?: Record<string, unknown> | null;
}

type Outcome = {
  readonly status: Exclude<LabExperimentStatus, 'requested' | 'approved' | 'queued' | 'running'>;
  readonly reason: string | null;
};

/** Bookkeeping on the lab worker: short, retried until the database answers. */
const lab = proxyActivities<LabActivities>({
  taskQueue: 'lab',
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

type RobotActivities = Record<string, (input: RunLabJobInput) => Promise<RunLabJobResult | void>>;

/** Asks the robot to abort a job; bounded, so a dead robot cannot keep an experiment open. */
const robotCleanup = proxyActivities<RobotActivities>({
  taskQueue: 'lab',
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

export const labExperimentWorkflowId = (campaignId: string | null, plugin: string, structureId: string) =>
  `${campaignId ?? 'manual'}-lab-${plugin}-${structureId}`;

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function labExperiment(input: LabExperimentInput): Promise<LabExperimentSummary> {
  const cfg = input.lab;
  const { workflowId } = workflowInfo();
  let stage: LabExperimentStage = 'recording';
  let experimentId: string | null = null;
  let decision: (LabDecisionInput & { readonly approved: boolean }) | null = null;
  let device: string | null = null;
  let outcome: Outcome | null = null;
  setHandler(approveSignal, (d) => {
    decision ??= { approved: true, by: d?.by || 'operator', note: d?.note };
  });
  setHandler(rejectSignal, (d) => {
    decision ??= { approved: false, by: d?.by || 'operator', note: d?.note };
  });
  setHandler(labExperimentStatusQuery, (): LabExperimentStateSummary => ({
    experimentId,
    structureId: input.structureId,
    plugin: cfg.plugin,
    stage,
    decision: decision === null ? null : decision.approved ? 'approved' : 'rejected',
    device,
    status: outcome?.status ?? null,
    reason: outcome?.reason ?? null,
  }));

  const record = await lab.recordLabExperiment({
    idempotencyKey: `${workflowId}:experiment`,
    workflowId,
    campaignId: input.campaignId,
    roundId: input.roundId,
    structureId: input.structureId,
    plugin: cfg.plugin,
    request: { params: { ...cfg.request }, devices: cfg.devices, leaseTtlMs: msToNumber(cfg.leaseTtl) },
    selection: input.selection ?? null,
    approvalRequired: cfg.approval.required,
  });
  const id = record.experimentId;
  experimentId = id;
  let submitted = false;

  const run = async (): Promise<Outcome> => {
    if (record.status === 'requested') {
      stage = 'awaiting-approval';
      const decided = await condition(() => decision !== null, cfg.approval.timeout);
      if (!decided || decision === null)
        return {
          status: 'timed_out',
          reason: `no operator decision within ${cfg.approval.timeout}; decide with: matdisc lab approve|reject ${workflowId}`,
        };
      const d: LabDecisionInput & { readonly approved: boolean } = decision;
      await lab.decideLabExperiment({
        experimentId: id,
        decision: d.approved ? 'approved' : 'rejected',
        by: d.by,
        note: d.note ?? null,
      });
      if (!d.approved)
        return { status: 'rejected', reason: `rejected by ${d.by}${d.note ? `: ${d.note}` : ''}` };
    }

    stage = 'waiting-for-device';
    // The retry policy is the wait for a free device: retries add no history, and no worker waits.
    const acquire = proxyActivities<LabActivities>({
      taskQueue: 'lab',
      startToCloseTimeout: '1 minute',
      scheduleToCloseTimeout: cfg.timeouts.deviceWait,
      retry: { initialInterval: '500 ms', backoffCoefficient: 1.5, maximumInterval: '30 seconds' },
    });
    try {
      device = (await acquire.acquireLabDevice({ experimentId: id })).device;
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof TimeoutFailure)
        return {
          status: 'timed_out',
          reason: `no device of ${cfg.devices.join(', ')} came free within ${cfg.timeouts.deviceWait}`,
        };
      throw err;
    }

    stage = 'running';
    submitted = true;
    // Built here, not at module top (W1): its timeouts and retries come from the campaign's config.
    const robot = proxyActivities<RobotActivities>({
      taskQueue: 'lab',
      startToCloseTimeout: cfg.timeouts.experiment,
      scheduleToCloseTimeout: cfg.timeouts.experiment,
      heartbeatTimeout: cfg.timeouts.progress,
      retry: {
        initialInterval: cfg.retry.initialInterval,
        backoffCoefficient: 2,
        maximumAttempts: cfg.retry.maxAttempts,
        nonRetryableErrorTypes: ['LabRequestRejected', 'LabExperimentFinished'],
      },
    });
    try {
      await robot[labActivityType(cfg.plugin, 'runJob')]!({ experimentId: id });
      return { status: 'succeeded', reason: null };
    } catch (err) {
      if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
      const cause = err.cause;
      // A robot that never answers ends `timed_out` however the retries stopped: by a timeout, by
      // the deadline leaving no room for another attempt (retry state TIMEOUT), or by the last
      // attempt failing to reach it (LabRobotUnavailable).
      const unreachable = cause instanceof ApplicationFailure && cause.type === 'LabRobotUnavailable';
      if (cause instanceof TimeoutFailure || err.retryState === 'TIMEOUT' || unreachable) {
        const lastCause = cause instanceof TimeoutFailure ? cause.cause : cause;
        const last = lastCause ? `; last: ${messageOf(lastCause)}` : '';
        const reason =
          cause instanceof TimeoutFailure && cause.timeoutType === 'HEARTBEAT'
            ? `the robot sent no report for ${cfg.timeouts.progress}${last}`
            : unreachable && err.retryState !== 'TIMEOUT'
              ? `the robot did not answer in ${cfg.retry.maxAttempts} attempts${last}`
              : `the robot did not finish within ${cfg.timeouts.experiment}${last}`;
        await cancelJob(id).catch((e: unknown) =>
          log.warn('cancelling the timed-out job failed', { error: messageOf(e) }),
        );
        return { status: 'timed_out', reason };
      }
      if (cause instanceof ApplicationFailure)
        return {
          status: 'failed',
          reason: cause.type === 'LabRequestRejected' ? `request rejected: ${cause.message}` : cause.message,
        };
      return { status: 'failed', reason: messageOf(cause ?? err) };
    }
  };

  const cancelJob = (experiment: string) =>
    robotCleanup[labActivityType(cfg.plugin, 'cancelJob')]!({ experimentId: experiment });

  try {
    outcome = await run();
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        if (submitted)
          await cancelJob(id).catch((e: unknown) =>
            log.warn('cancelling the job failed', { error: messageOf(e) }),
          );
        outcome = { status: 'cancelled', reason: 'cancelled' };
        stage = 'finishing';
        await lab.finishLabExperiment({ experimentId: id, ...outcome });
        stage = 'done';
      });
    }
    throw err;
  }
  stage = 'finishing';
  const summary = await lab.finishLabExperiment({ experimentId: id, ...outcome });
  stage = 'done';
  return summary;
}
