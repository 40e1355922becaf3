/**
 * The campaign workflow's own logic — budget, pause/resume, stop (finish and cancel), setBudget,
 * continueAsNew, rounds without DFT — on the shared Temporal dev server with mocked activities, as
 * Temporal's samples test workflows. No database, no pw.x: the whole file runs in seconds.
 *
 * Temporal's time-skipping test server is a binary the SDK downloads at run time, which these
 * machines cannot; the campaign workflow has no timers of its own, so real time costs nothing.
 */
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import {
  campaignStatusQuery,
  pauseSignal,
  resumeSignal,
  setBudgetUpdate,
  stopSignal,
} from '../../workflows/campaign-messages.js';
import type { discoveryCampaign } from '../../workflows/campaign.js';
import { siliconCampaign } from '../campaign/fixtures.js';

const NAMESPACE = 'workflow-unit';
const QUEUES = ['cpu', 'gpu', 'dft'] as const;

/** What the mocked activities saw, and a gate the DFT mock waits on while a test steers. */
class Recorder {
  calls: string[] = [];
  dft: string[] = [];
  statuses: string[] = [];
  cancelledDft = 0;
  /** Candidates selectForDft offers per round (capped by the budget the workflow passes). */
  selectable = 2;
  #release: (() => void) | undefined;
  #held: Promise<void> | undefined;
  dftStarted = 0;

  holdDft(): void {
    this.#held = new Promise((r) => (this.#release = r));
  }
  releaseDft(): void {
    this.#release?.();
    this.#held = undefined;
  }
  get held(): Promise<void> | undefined {
    return this.#held;
  }
}

let rec = new Recorder();

/** The activities read `rec` at call time: each test starts with a fresh recorder. */
function mockActivities() {
  const record =
    <R>(name: string, result: (input: Record<string, unknown>) => R) =>
    async (input: Record<string, unknown>): Promise<R> => {
      rec.calls.push(name);
      return result(input);
    };
  return {
    recordCampaign: record('recordCampaign', () => ({ mlipVersionId: 'mlip-1' })),
    setCampaignStatus: record('setCampaignStatus', (i) => {
      rec.statuses.push(String(i.status));
      return {};
    }),
    startRound: record('startRound', (i) => ({ roundId: `round-${String(i.roundIndex)}` })),
    generateCandidates: record('generateCandidates', () => ({ requested: 4, valid: 4, invalid: 0 })),
    relaxAndScore: record('relaxAndScore', () => ({ relaxed: 4 })),
    deduplicate: record('deduplicate', () => ({ unique: 4, novel: 4, duplicatesOfOtherCampaigns: 0 })),
    placeOnHull: record('placeOnHull', () => ({ predictedStable: 2 })),
    selectForDft: record('selectForDft', (i) => ({
      structureIds: Array.from(
        { length: Math.min(rec.selectable, Number(i.budget)) },
        (_, k) => `${String(i.roundId)}-s${k}`,
      ),
    })),
    planDftReferences: record('planDftReferences', () => ({ toRun: [] })),
    recordRoundSummary: record('recordRoundSummary', () => ({
      dftConverged: 1,
      dftFailed: 0,
      dftConfirmedStable: 0,
    })),
    retrainMlip: record('retrainMlip', () => ({
      status: 'trained',
      mlipVersionId: `mlip-${rec.calls.length}`,
    })),
    async runDftCalculation(input: { structureId: string }) {
      rec.dftStarted += 1;
      const ctx = Context.current();
      // Heartbeats carry cancellation to the activity, as they do for pw.x.
      const beat = setInterval(() => ctx.heartbeat(), 50);
      try {
        if (rec.held) await Promise.race([rec.held, ctx.cancelled]);
        rec.dft.push(input.structureId);
        return { calculationId: input.structureId, status: 'converged' };
      } catch (err) {
        rec.cancelledDft += 1;
        throw err;
      } finally {
        clearInterval(beat);
      }
    },
  };
}

describe('discoveryCampaign with mocked activities', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let workers: Worker[];
  let running: Promise<unknown>;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: inject('temporalAddress'),
      namespace: NAMESPACE,
    });
    bundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
    });
    workers = await Promise.all(
      QUEUES.map((q) =>
        Worker.create({
          connection: env.nativeConnection,
          namespace: NAMESPACE,
          taskQueue: q,
          activities: mockActivities(),
          maxHeartbeatThrottleInterval: '50 milliseconds',
          ...(q === 'cpu' ? { workflowBundle: bundle } : {}),
        }),
      ),
    );
    running = Promise.all(workers.map((w) => w.run()));
  });

  afterAll(async () => {
    for (const w of workers ?? []) w.shutdown();
    await running;
    await env?.teardown();
  });

  beforeEach(() => {
    rec = new Recorder();
  });

  const start = (config: CampaignConfig, id = `wf-${Date.now()}-${Math.random().toString(36).slice(2)}`) =>
    env.client.workflow.start<typeof discoveryCampaign>('discoveryCampaign', {
      taskQueue: 'cpu',
      workflowId: id,
      args: [{ campaignId: id, config }],
    });

  const until = async (what: () => boolean | Promise<boolean>, label: string) => {
    for (let i = 0; i < 400; i += 1) {
      if (await what()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${label}`);
  };

  it('spends the DFT budget exactly and stops when it is spent', async () => {
    const config = siliconCampaign({
      rounds: 5,
      dft: { profile: 'test', budgetPerRound: 2, budgetTotal: 3, maxConcurrent: 2 },
    });
    const result = await (await start(config)).result();
    expect(result).toMatchObject({ stage: 'completed', dftSpent: 3, roundsCompleted: 2 });
    expect(result.stopReason).toBe('DFT budget spent');
    expect(rec.dft).toHaveLength(3);
    expect(rec.statuses.at(-1)).toBe('completed');
  });

  it('pause holds the next stage until resume; status shows it', async () => {
    rec.holdDft();
    const handle = await start(
      siliconCampaign({
        rounds: 2,
        dft: { profile: 'test', budgetPerRound: 2, budgetTotal: 4, maxConcurrent: 2 },
      }),
    );
    await until(() => rec.dftStarted > 0, 'the first DFT');
    await handle.signal(pauseSignal);
    rec.releaseDft();
    await until(async () => (await handle.query(campaignStatusQuery)).paused, 'paused');
    await until(() => rec.statuses.includes('paused'), 'the paused status row');
    const calls = rec.calls.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.calls.length).toBe(calls); // nothing runs while paused
    await handle.signal(resumeSignal);
    const result = await handle.result();
    expect(result).toMatchObject({ stage: 'completed', paused: false, dftSpent: 4 });
    expect(rec.statuses).toEqual(expect.arrayContaining(['paused', 'running', 'completed']));
  });

  it("stop 'finish' lets the round's DFT finish, then runs no further round", async () => {
    rec.holdDft();
    const handle = await start(
      siliconCampaign({
        rounds: 3,
        dft: { profile: 'test', budgetPerRound: 2, budgetTotal: 6, maxConcurrent: 2 },
      }),
    );
    await until(() => rec.dftStarted === 2, 'two DFT calculations');
    await handle.signal(stopSignal, { mode: 'finish' });
    rec.releaseDft();
    const result = await handle.result();
    expect(result).toMatchObject({ stage: 'stopped', stopRequested: 'finish', roundsCompleted: 1 });
    expect(rec.dft).toHaveLength(2);
    expect(rec.cancelledDft).toBe(0);
    expect(rec.calls.filter((c) => c === 'startRound')).toHaveLength(1);
    expect(rec.statuses.at(-1)).toBe('stopped');
  });

  it("stop 'cancel' cancels the running DFT activities", async () => {
    rec.holdDft();
    const handle = await start(siliconCampaign());
    await until(() => rec.dftStarted === 2, 'two DFT calculations');
    await handle.signal(stopSignal, { mode: 'cancel' });
    const result = await handle.result();
    expect(result).toMatchObject({ stage: 'stopped', stopRequested: 'cancel', dftInFlight: 0 });
    expect(rec.cancelledDft).toBe(2);
    expect(rec.dft).toEqual([]);
    rec.releaseDft();
  });

  it('setBudget accepts a larger budget and rejects one below what is spent or absurd', async () => {
    rec.holdDft();
    const handle = await start(siliconCampaign({ rounds: 2 }));
    await until(() => rec.dftStarted === 2, 'two DFT calculations');
    for (const bad of [1, 1e300, 2.5, -1]) {
      await expect(
        handle.executeUpdate(setBudgetUpdate, { args: [{ dftBudgetTotal: bad }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
    }
    const accepted = await handle.executeUpdate(setBudgetUpdate, { args: [{ dftBudgetTotal: 4 }] });
    expect(accepted.dftBudgetTotal).toBe(4);
    rec.releaseDft();
    const result = await handle.result();
    expect(result).toMatchObject({ stage: 'completed', dftSpent: 4, dftBudgetTotal: 4, roundsCompleted: 2 });
  });

  it('continues as new every roundsPerRun rounds, carrying round, budget and counts', async () => {
    const config = siliconCampaign({
      rounds: 3,
      roundsPerRun: 1,
      dft: { profile: 'test', budgetPerRound: 1, budgetTotal: 10, maxConcurrent: 1 },
    });
    const handle = await start(config);
    const result = await handle.result();
    expect(result).toMatchObject({ stage: 'completed', round: 3, roundsCompleted: 3, dftSpent: 3 });
    expect(result.counts).toMatchObject({ generated: 12, unique: 12, predictedStable: 6, dftConverged: 3 });
    expect(rec.calls.filter((c) => c === 'recordCampaign')).toHaveLength(1);
    const first = await env.client.workflow
      .getHandle(handle.workflowId, handle.firstExecutionRunId)
      .describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
  });

  it('retrains between rounds and uses the new model version', async () => {
    const config = siliconCampaign({
      rounds: 2,
      retraining: { policy: 'every-round' },
      dft: { profile: 'test', budgetPerRound: 2, budgetTotal: 4, maxConcurrent: 2 },
    });
    const result = await (await start(config)).result();
    expect(rec.calls.filter((c) => c === 'retrainMlip')).toHaveLength(1);
    expect(result.mlipVersionId).not.toBe('mlip-1');
  });

  it('stops, saying why, after rounds in which nothing could be selected for DFT', async () => {
    rec.selectable = 0;
    const config = siliconCampaign({ rounds: 1000 });
    const result = await (await start(config)).result();
    expect(result.stage).toBe('completed');
    expect(result.stopReason).toMatch(/no candidate could be selected for DFT in 3 consecutive rounds/);
    expect(rec.calls.filter((c) => c === 'startRound')).toHaveLength(3);
    expect(rec.dftStarted).toBe(0);
  });
});
