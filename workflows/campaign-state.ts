/**
 * The state of a running `discoveryCampaign` and the logic of its handlers (STYLE.md W6): the
 * workflow function only wires handlers to this class and drives the rounds. Everything here is
 * small and plain so it survives `continueAsNew` as {@link CarriedCampaignState}.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { CampaignConfig } from './campaign-config.js';
import type {
  CampaignStage,
  CampaignStateSummary,
  SetBudgetUpdateInput,
  StopInput,
} from './campaign-messages.js';

/** What one run hands the next through `continueAsNew`. */
export interface CarriedCampaignState {
  readonly nextRound: number;
  readonly mlipVersionId: string;
  readonly dftBudgetTotal: number;
  readonly dftSpent: number;
  readonly roundsWithoutNewStable: number;
  readonly paused: boolean;
  readonly counts: CampaignStateSummary['counts'];
}

export class CampaignState {
  round: number;
  stage: CampaignStage = 'starting';
  paused: boolean;
  stopRequested: StopInput['mode'] | null = null;
  mlipVersionId: string | null;
  dftBudgetTotal: number;
  dftSpent: number;
  dftInFlight = 0;
  roundsCompleted: number;
  roundsWithoutNewStable: number;
  counts: {
    generated: number;
    unique: number;
    predictedStable: number;
    dftConverged: number;
    dftFailed: number;
  };
  stopReason: string | null = null;
  /** Called when a stop with mode 'cancel' arrives: cancels the running DFT children. */
  onCancel: (() => void) | undefined;

  constructor(
    readonly campaignId: string,
    readonly config: CampaignConfig,
    carried?: CarriedCampaignState,
  ) {
    this.round = carried?.nextRound ?? 0;
    this.roundsCompleted = this.round;
    this.mlipVersionId = carried?.mlipVersionId ?? null;
    this.dftBudgetTotal = carried?.dftBudgetTotal ?? config.dft.budgetTotal;
    this.dftSpent = carried?.dftSpent ?? 0;
    this.roundsWithoutNewStable = carried?.roundsWithoutNewStable ?? 0;
    this.paused = carried?.paused ?? false;
    this.counts = {
      ...(carried?.counts ?? { generated: 0, unique: 0, predictedStable: 0, dftConverged: 0, dftFailed: 0 }),
    };
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  stop(input: StopInput): void {
    if (this.stopRequested === 'cancel') return;
    this.stopRequested = input?.mode === 'cancel' ? 'cancel' : 'finish';
    if (this.stopRequested === 'cancel') this.onCancel?.();
  }

  /** Update validator: rejects a budget below what is spent, or not a positive integer. */
  validateBudget(input: SetBudgetUpdateInput): void {
    const b = input?.dftBudgetTotal;
    if (!Number.isInteger(b) || b < 1)
      throw ApplicationFailure.create({
        type: 'InvalidBudget',
        nonRetryable: true,
        message: `dftBudgetTotal: expected a positive integer, got ${JSON.stringify(b)}`,
      });
    if (b < this.dftSpent)
      throw ApplicationFailure.create({
        type: 'InvalidBudget',
        nonRetryable: true,
        message: `dftBudgetTotal: ${b} is below the ${this.dftSpent} DFT calculations already spent; give at least ${this.dftSpent}`,
      });
  }

  setBudget(input: SetBudgetUpdateInput): CampaignStateSummary {
    this.dftBudgetTotal = input.dftBudgetTotal;
    return this.summary();
  }

  /** DFT calculations the coming round may spend. */
  roundBudget(): number {
    return Math.max(0, Math.min(this.config.dft.budgetPerRound, this.dftBudgetTotal - this.dftSpent));
  }

  /** Query handler: never mutates. */
  summary(): CampaignStateSummary {
    return {
      campaignId: this.campaignId,
      round: this.round,
      stage: this.stage,
      paused: this.paused,
      stopRequested: this.stopRequested,
      mlipVersionId: this.mlipVersionId,
      dftBudgetTotal: this.dftBudgetTotal,
      dftSpent: this.dftSpent,
      dftInFlight: this.dftInFlight,
      roundsCompleted: this.roundsCompleted,
      roundsWithoutNewStable: this.roundsWithoutNewStable,
      counts: { ...this.counts },
      stopReason: this.stopReason,
    };
  }

  carried(): CarriedCampaignState {
    return {
      nextRound: this.round,
      mlipVersionId: this.mlipVersionId!,
      dftBudgetTotal: this.dftBudgetTotal,
      dftSpent: this.dftSpent,
      roundsWithoutNewStable: this.roundsWithoutNewStable,
      paused: this.paused,
      counts: { ...this.counts },
    };
  }
}
