/**
 * The state of a running `discoveryCampaign` and the logic of its handlers (STYLE.md W6): the
 * workflow function only wires handlers to this class and drives the rounds. Everything here is
 * small and plain so it survives `continueAsNew` as {@link CarriedCampaignState}.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { CampaignConfig } from '../contracts/campaign-config.js';
import { CampaignLimits, DEFAULT_NO_DFT_ROUNDS } from '../contracts/campaign-limits.js';
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
  /** Absent in runs carried before it existed. */
  readonly roundsWithoutDft?: number;
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
  /** Consecutive rounds in which no candidate could be selected for DFT. */
  roundsWithoutDft: number;
  counts: {
    generated: number;
    unique: number;
    duplicatesOfOtherCampaigns: number;
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
    this.roundsWithoutDft = carried?.roundsWithoutDft ?? 0;
    this.paused = carried?.paused ?? false;
    // Runs carried before duplicatesOfOtherCampaigns existed lack it: it starts at 0.
    const counts: Partial<CampaignStateSummary['counts']> = carried?.counts ?? {};
    this.counts = {
      generated: counts.generated ?? 0,
      unique: counts.unique ?? 0,
      duplicatesOfOtherCampaigns: counts.duplicatesOfOtherCampaigns ?? 0,
      predictedStable: counts.predictedStable ?? 0,
      dftConverged: counts.dftConverged ?? 0,
      dftFailed: counts.dftFailed ?? 0,
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

  /**
   * Update validator: rejects a budget below what is spent, or not a whole number from 1 to
   * {@link CampaignLimits.dftBudget} (the limit of the configuration).
   */
  validateBudget(input: SetBudgetUpdateInput): void {
    const b = input?.dftBudgetTotal;
    const max = CampaignLimits.dftBudget;
    if (!Number.isInteger(b) || b < 1 || b > max)
      throw ApplicationFailure.create({
        type: 'InvalidBudget',
        nonRetryable: true,
        message: `dftBudgetTotal: expected a whole number from 1 to ${max}, got ${JSON.stringify(b)}`,
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

  /**
   * After a round's selection: counts rounds in a row that selected no candidate for DFT, and
   * returns why the campaign stops when `stop.noDftRounds` of them came in a row before the last
   * round (nothing selectable stays nothing selectable; the rounds would spin without DFT).
   */
  recordSelection(selected: number): string | null {
    this.roundsWithoutDft = selected > 0 ? 0 : this.roundsWithoutDft + 1;
    const limit = this.config.stop.noDftRounds ?? DEFAULT_NO_DFT_ROUNDS;
    if (limit === 0 || this.roundsWithoutDft < limit || this.round + 1 >= this.config.rounds) return null;
    return `no candidate could be selected for DFT in ${this.roundsWithoutDft} consecutive rounds (stop.noDftRounds: ${limit}); widen stability.maxEAboveHullEvPerAtom or trust, or change the chemistry`;
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
      roundsWithoutDft: this.roundsWithoutDft,
      paused: this.paused,
      counts: { ...this.counts },
    };
  }
}
