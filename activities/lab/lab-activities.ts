/**
 * The plugin-independent activities of `labExperiment` (queue `lab`, except `selectForLab` which
 * the campaign runs on `cpu`): record the experiment, record the operator's decision, take a
 * device, and write the outcome. Each is idempotent: the experiment row is keyed by
 * `<campaign>:lab:<structure id>`, and a final status is never overwritten.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Database } from '../../db/database.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import type { LabExperimentStatus } from '../../contracts/lab-status.js';
import { acquireDevice, releaseDevice } from '../../db/lab-devices.js';
import {
  finishLabExperiment,
  loadExperiment,
  markLabExperimentQueued,
  recordLabDecision,
  type LabRequestColumn,
} from '../../db/lab-experiments.js';
import { createSelectForLab } from './select-for-lab.js';

export interface LabActivityDependencies {
  readonly db: Database;
}

export interface RecordLabExperimentInput {
  readonly idempotencyKey: string;
  readonly workflowId: string;
  readonly campaignId: string | null;
  readonly roundId: string | null;
  readonly structureId: string;
  readonly plugin: string;
  readonly request: LabRequestColumn;
  /** Why this candidate was chosen (criteria and values), stored in `selection`. */
  readonly selection: Record<string, unknown> | null;
  readonly approvalRequired: boolean;
}

export interface LabExperimentRecord {
  readonly experimentId: string;
  readonly status: LabExperimentStatus;
}

export interface DecideLabExperimentInput {
  readonly experimentId: string;
  readonly decision: 'approved' | 'rejected';
  readonly by: string;
  readonly note: string | null;
}

export interface AcquireLabDeviceInput {
  readonly experimentId: string;
}

export interface FinishLabExperimentInput {
  readonly experimentId: string;
  readonly status: Extract<
    LabExperimentStatus,
    'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'rejected'
  >;
  readonly reason: string | null;
}

export interface LabExperimentSummary {
  readonly experimentId: string;
  readonly status: LabExperimentStatus;
  readonly reason: string | null;
  readonly device: string | null;
  readonly jobs: number;
}

/** `failure_reason` of an experiment cancelled by request. */
export const LAB_CANCELLED_REASON = 'cancelled';

export function createLabActivities(deps: LabActivityDependencies) {
  const { db } = deps;
  return {
    async recordLabExperiment(input: RecordLabExperimentInput): Promise<LabExperimentRecord> {
      const { id } = await insertOnce(
        db,
        'lab_experiments',
        {
          structure_id: input.structureId,
          campaign_id: input.campaignId,
          round_id: input.roundId,
          plugin: input.plugin,
          status: input.approvalRequired ? 'requested' : 'approved',
          request: input.request,
          selection: input.selection,
          workflow_id: input.workflowId,
        },
        input.idempotencyKey,
      );
      const row = (await loadExperiment(db, id))!;
      return { experimentId: id, status: row.status };
    },

    async decideLabExperiment(input: DecideLabExperimentInput): Promise<void> {
      await recordLabDecision(db, input.experimentId, {
        by: input.by,
        note: input.note,
        approved: input.decision === 'approved',
      });
    },

    /** Takes a free device, or throws the retryable `LabDeviceBusy` (the retry policy is the wait). */
    async acquireLabDevice(input: AcquireLabDeviceInput): Promise<{ readonly device: string }> {
      const row = await loadExperiment(db, input.experimentId);
      if (!row) throw ApplicationFailure.nonRetryable(`lab experiment ${input.experimentId} does not exist`);
      if (row.status === 'approved') await markLabExperimentQueued(db, row.id);
      const lease = await acquireDevice(db, {
        experimentId: row.id,
        plugin: row.plugin,
        devices: row.request.devices,
        leaseTtlMs: row.request.leaseTtlMs,
      });
      if (!lease)
        throw ApplicationFailure.create({
          type: 'LabDeviceBusy',
          message: `every device of ${row.request.devices.join(', ')} is busy`,
          category: 'BENIGN',
        });
      return { device: lease.device };
    },

    /** Writes the outcome once, frees the device, forgets the task token. */
    async finishLabExperiment(input: FinishLabExperimentInput): Promise<LabExperimentSummary> {
      await finishLabExperiment(db, input.experimentId, input.status, input.reason);
      const row = (await loadExperiment(db, input.experimentId))!;
      await releaseDevice(db, input.experimentId, row.jobs.length > 0);
      return {
        experimentId: row.id,
        status: row.status,
        reason: row.failure_reason,
        device: row.device,
        jobs: row.jobs.length,
      };
    },

    selectForLab: createSelectForLab(deps),
  };
}

export type LabActivities = ReturnType<typeof createLabActivities>;
