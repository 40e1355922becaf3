/**
 * `discoveryCampaign`: the active-learning loop as an entity workflow (STYLE.md W6). Per round:
 * generate [gpu] → relax + score [gpu] → deduplicate [cpu] → place on the hull [gpu: it evaluates
 * the MLIP on the reference phases] → select [cpu] → one `dftCandidate` child per selected
 * structure [dft], at most `dft.maxConcurrent` at once, with one `dftElementalReference` child per
 * element whose DFT reference is missing at this level of theory (normally in the first round
 * only) → round summary [gpu: MLIP errors on the new DFT labels] → retrain [gpu]; the next round
 * uses the new model version. It continues as new every `roundsPerRun` rounds (or
 * when Temporal suggests it), after its handlers finish. Payloads are ids and counts; everything
 * else is in PostgreSQL.
 *
 * Messages (`campaign-messages.ts`): pause/resume (takes effect between stages and before each
 * DFT child starts), stop {mode: 'finish' | 'cancel'} (cancel: running DFT children are cancelled
 * and pw.x killed), setBudget (update with validator), status (query).
 */
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { PlannedDftReference } from '../activities/campaign/dft-references.js';
import type { CampaignActivities } from '../activities/campaign/index.js';
import type { CampaignConfig } from '../contracts/campaign-config.js';
import { expensiveRetry, outageTolerantRetry } from './retry-policies.js';
import {
  campaignStatusQuery,
  pauseSignal,
  resumeSignal,
  setBudgetUpdate,
  stopSignal,
  type CampaignStage,
  type CampaignStateSummary,
} from './campaign-messages.js';
import { CampaignState, type CarriedCampaignState } from './campaign-state.js';
import { dftCandidate, dftCandidateWorkflowId } from './dft-candidate.js';
import { startLabExperiments } from './lab-campaign.js';
import { dftElementalReference, dftReferenceWorkflowId } from './dft-reference.js';

export interface DiscoveryCampaignInput {
  /** Also the workflow id (W9), e.g. 'campaign-si-2026-11-28'. */
  readonly campaignId: string;
  /** Validated by `campaign/campaign-config.ts` before the start; small, plain JSON. */
  readonly config: CampaignConfig;
  /** Set by `continueAsNew` only. */
  readonly carried?: CarriedCampaignState;
}

export type DiscoveryCampaignResult = CampaignStateSummary;

/** The queue workflows (and so child workflows) run on: `cpu` (cli/task-queues.ts). */
const WORKFLOW_QUEUE = 'cpu';
// The same stored input fails the same way on every retry: a structure no potential can evaluate
// (crystal/assert-valid-structure.ts) or a match too large to search (crystal/matcher/errors.ts).
const nonRetryableErrorTypes = [
  'CampaignConfigError',
  'CampaignNotFound',
  'InvalidStructureError',
  'MatcherLimitError',
];

// Campaign activities heartbeat every 10 s while they run (activities/campaign/keep-alive.ts):
// a worker killed mid-activity is noticed after a minute, not after the start-to-close timeout.
const cpu = proxyActivities<CampaignActivities>({
  taskQueue: 'cpu',
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: outageTolerantRetry(nonRetryableErrorTypes),
});

const gpu = proxyActivities<CampaignActivities>({
  taskQueue: 'gpu',
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: expensiveRetry(nonRetryableErrorTypes),
});

export async function discoveryCampaign(input: DiscoveryCampaignInput): Promise<DiscoveryCampaignResult> {
  const state = new CampaignState(input.campaignId, input.config, input.carried);
  setHandler(pauseSignal, () => state.pause());
  setHandler(resumeSignal, () => state.resume());
  setHandler(stopSignal, (s) => state.stop(s));
  setHandler(setBudgetUpdate, (u) => state.setBudget(u), { validator: (u) => state.validateBudget(u) });
  setHandler(campaignStatusQuery, () => state.summary());
  return new CampaignLoop(state).run();
}

class CampaignLoop {
  readonly #s: CampaignState;
  constructor(state: CampaignState) {
    this.#s = state;
  }

  async run(): Promise<DiscoveryCampaignResult> {
    const s = this.#s;
    const { campaignId, config } = s;
    if (s.mlipVersionId === null) {
      const recorded = await cpu.recordCampaign({ campaignId, config });
      s.mlipVersionId = recorded.mlipVersionId;
    }
    let roundsThisRun = 0;
    while (s.round < config.rounds && s.stopRequested === null && s.stopReason === null) {
      if (s.roundBudget() === 0) {
        s.stopReason = 'DFT budget spent';
        break;
      }
      if (roundsThisRun >= config.roundsPerRun || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof discoveryCampaign>({ campaignId, config, carried: s.carried() });
      }
      await this.#round();
      roundsThisRun += 1;
    }
    const stopped = s.stopRequested !== null;
    s.stage = stopped ? 'stopped' : 'completed';
    s.stopReason ??= stopped ? `stop (${s.stopRequested})` : 'all rounds done';
    await cpu.setCampaignStatus({
      campaignId,
      status: stopped ? 'stopped' : 'completed',
      result: { ...s.summary() },
    });
    await condition(allHandlersFinished);
    return s.summary();
  }

  /** Waits while paused (recording it in the campaign row); false when a stop arrived. */
  async #gate(stage: CampaignStage): Promise<boolean> {
    const s = this.#s;
    if (s.paused && s.stopRequested === null) {
      await cpu.setCampaignStatus({ campaignId: s.campaignId, status: 'paused' });
      await condition(() => !s.paused || s.stopRequested !== null);
      await cpu.setCampaignStatus({ campaignId: s.campaignId, status: 'running' });
    }
    if (s.stopRequested !== null) return false;
    s.stage = stage;
    return true;
  }

  async #round(): Promise<void> {
    const s = this.#s;
    const { campaignId, config } = s;
    if (!(await this.#gate('generate'))) return;
    const { roundId } = await cpu.startRound({
      campaignId,
      roundIndex: s.round,
      mlipVersionId: s.mlipVersionId!,
    });
    const ref = { campaignId, roundId };
    const generated = await gpu.generateCandidates(ref);
    s.counts.generated += generated.valid;
    if (!(await this.#gate('relax'))) return;
    await gpu.relaxAndScore(ref);
    if (!(await this.#gate('deduplicate'))) return;
    const dedup = await cpu.deduplicate(ref);
    s.counts.unique += dedup.unique;
    s.counts.duplicatesOfOtherCampaigns += dedup.duplicatesOfOtherCampaigns ?? 0;
    if (!(await this.#gate('hull'))) return;
    const hull = await gpu.placeOnHull(ref);
    s.counts.predictedStable += hull.predictedStable;
    if (!(await this.#gate('select'))) return;
    const selected = await cpu.selectForDft({ ...ref, budget: s.roundBudget() });
    const nothingSelectable = s.recordSelection(selected.structureIds.length);
    if (!(await this.#gate('dft'))) return;
    // DFT elemental references at this level of theory that no campaign has computed yet (the
    // first round only, normally): they run with the candidates, outside the DFT budget.
    const references = await cpu.planDftReferences({ campaignId });
    await this.#runDft(roundId, selected.structureIds, references.toRun);
    s.stage = 'summary';
    const summary = await gpu.recordRoundSummary({
      ...ref,
      requested: generated.requested,
      novel: dedup.novel,
    });
    s.counts.dftConverged += summary.dftConverged;
    s.counts.dftFailed += summary.dftFailed;
    s.roundsWithoutNewStable = summary.dftConfirmedStable ? 0 : s.roundsWithoutNewStable + 1;
    // Qualifying candidates go to the lab as abandoned children (workflows/lab-campaign.ts).
    if (config.lab) await startLabExperiments(campaignId, roundId, config.lab);
    s.round += 1;
    s.roundsCompleted = s.round;
    if (config.stop.noNewStableRounds > 0 && s.roundsWithoutNewStable >= config.stop.noNewStableRounds) {
      s.stopReason = `no new stable material for ${s.roundsWithoutNewStable} rounds`;
      return;
    }
    if (nothingSelectable !== null) {
      s.stopReason = nothingSelectable;
      return;
    }
    if (
      config.retraining.policy === 'every-round' &&
      s.round < config.rounds &&
      (await this.#gate('retrain'))
    ) {
      const retrained = await gpu.retrainMlip(ref);
      if (retrained.status === 'trained') s.mlipVersionId = retrained.mlipVersionId;
      else log.info('retraining skipped', { reason: retrained.reason });
    }
  }

  /**
   * One child per elemental reference, then one per candidate, at most `maxConcurrent` at once; a
   * stop with 'cancel' cancels them. Only candidates count against the DFT budget.
   */
  async #runDft(
    roundId: string,
    structureIds: readonly string[],
    references: readonly PlannedDftReference[],
  ): Promise<void> {
    const s = this.#s;
    const queue: (PlannedDftReference | string)[] = [...references, ...structureIds];
    const scope = new CancellationScope();
    s.onCancel = () => scope.cancel();
    const worker = async () => {
      while (queue.length > 0) {
        await condition(() => !s.paused || s.stopRequested !== null);
        if (s.stopRequested === 'cancel') return;
        const item = queue.shift()!;
        const structureId = typeof item === 'string' ? item : item.structureId;
        if (typeof item === 'string') s.dftSpent += 1;
        s.dftInFlight += 1;
        try {
          if (typeof item === 'string')
            await executeChild(dftCandidate, {
              workflowId: dftCandidateWorkflowId(s.campaignId, structureId),
              taskQueue: WORKFLOW_QUEUE,
              cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
              args: [{ campaignId: s.campaignId, roundId, structureId, dft: s.config.dft }],
            });
          else
            await executeChild(dftElementalReference, {
              workflowId: dftReferenceWorkflowId(s.campaignId, item.element),
              taskQueue: WORKFLOW_QUEUE,
              cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
              args: [{ ...item, dft: s.config.dft }],
            });
        } catch (err) {
          if (isCancellation(err)) throw err;
          // A broken DFT host fails the child; the campaign records it in the summary and goes on.
          log.error('DFT child failed', { structureId, error: String((err as Error).cause ?? err) });
        } finally {
          s.dftInFlight -= 1;
        }
      }
    };
    try {
      await scope.run(() =>
        Promise.all(Array.from({ length: Math.min(s.config.dft.maxConcurrent, queue.length) }, worker)),
      );
    } catch (err) {
      if (!isCancellation(err)) throw err;
    } finally {
      s.onCancel = undefined;
    }
  }
}
