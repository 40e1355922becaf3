/**
 * Signals, queries and updates of `discoveryCampaign` (STYLE.md W5), shared by the workflow and the
 * CLI, with their payload types.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export type CampaignStage =
  | 'starting'
  | 'generate'
  | 'relax'
  | 'deduplicate'
  | 'hull'
  | 'select'
  | 'dft'
  | 'summary'
  | 'retrain'
  | 'completed'
  | 'stopped';

export interface CampaignStateSummary {
  readonly campaignId: string;
  readonly round: number;
  readonly stage: CampaignStage;
  readonly paused: boolean;
  readonly stopRequested: 'finish' | 'cancel' | null;
  readonly mlipVersionId: string | null;
  readonly dftBudgetTotal: number;
  readonly dftSpent: number;
  readonly dftInFlight: number;
  readonly roundsCompleted: number;
  readonly roundsWithoutNewStable: number;
  readonly counts: {
    readonly generated: number;
    readonly unique: number;
    /** Candidates left out as duplicates of another campaign's structures (`deduplicate.ts`). */
    readonly duplicatesOfOtherCampaigns: number;
    readonly predictedStable: number;
    readonly dftConverged: number;
    readonly dftFailed: number;
  };
  readonly stopReason: string | null;
}

export interface StopInput {
  /** 'finish': finish the running round's DFT, then stop; 'cancel': cancel running DFT children now. */
  readonly mode: 'finish' | 'cancel';
}

export interface SetBudgetUpdateInput {
  /** New total DFT budget; must be ≥ what is already spent. */
  readonly dftBudgetTotal: number;
}

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const stopSignal = defineSignal<[StopInput]>('stop');
/** An update, not a signal: the caller learns whether the new budget was accepted and what it is. */
export const setBudgetUpdate = defineUpdate<CampaignStateSummary, [SetBudgetUpdateInput]>('setBudget');
export const campaignStatusQuery = defineQuery<CampaignStateSummary>('status');
