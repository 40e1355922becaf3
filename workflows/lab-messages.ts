/**
 * Signals and the query of `labExperiment` (STYLE.md W5), shared by the workflow and the CLI
 * (`matdisc lab approve|reject|status`).
 *
 * The operator's decision is a signal, not an update: the server accepts it even while no worker
 * runs, and the workflow records who decided and when in `lab_experiments`.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { LabExperimentStatus } from '../contracts/lab-status.js';

export type { LabExperimentStatus } from '../contracts/lab-status.js';

export type LabExperimentStage =
  'recording' | 'awaiting-approval' | 'waiting-for-device' | 'running' | 'finishing' | 'done';

export interface LabDecisionInput {
  /** Who decided (an operator's name or login). */
  readonly by: string;
  readonly note?: string | undefined;
}

export interface LabExperimentStateSummary {
  readonly experimentId: string | null;
  readonly structureId: string;
  readonly plugin: string;
  readonly stage: LabExperimentStage;
  readonly decision: 'approved' | 'rejected' | null;
  readonly device: string | null;
  /** Final status once done. */
  readonly status: LabExperimentStatus | null;
  readonly reason: string | null;
}

export const approveSignal = defineSignal<[LabDecisionInput]>('approve');
export const rejectSignal = defineSignal<[LabDecisionInput]>('reject');
export const labExperimentStatusQuery = defineQuery<LabExperimentStateSummary>('labStatus');
