/**
 * The real-Temporal harness the worker suites share: a fresh migrated database (`databases.ts`),
 * a temporary work directory, a client in the suite's own namespace on the shared dev server
 * (`namespaces.ts`), matdisc workers in this process (`cli/start-workers.ts`) and, for the tests
 * that kill them, worker processes (`test/campaign/spawn-worker.ts`). `stop()` tears it all down
 * in order: worker processes, client, in-process workers, the suite's own extras (`onStop`), the
 * database, the work directory.
 *
 *   let h: TemporalHarness;
 *   beforeAll(async () => (h = await startTemporalHarness({ namespace: 'campaign-e2e', queues: [...] })));
 *   afterAll(() => h?.stop());
 *
 * Also the small steps those suites repeat: starting a discovery campaign and waiting on its rows.
 */
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import {
  startWorkers,
  WORKFLOW_TASK_QUEUE,
  type RunningWorkers,
  type TaskQueue,
  type WorkerDependencies,
  type WorkerOptions,
} from '../../cli/start-workers.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import type { Database } from '../../db/database.js';
import { discoveryCampaign } from '../../workflows/campaign.js';
import { poll } from '../campaign/blocked-query.js';
import { startWorkerProcess, stopWorkerProcesses } from '../campaign/spawn-worker.js';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';
import { TEST_NAMESPACES } from './namespaces.js';

/** Workers in this process on some queues, with their own dependencies. */
export interface WorkerGroup {
  /** `[]`: none (the suite runs its workers as processes, `startWorkerProcess`). */
  readonly queues: readonly TaskQueue[];
  /** SSSP pseudopotentials for the DFT activities (default: PSEUDO_DIR). */
  readonly pseudoDir?: string | undefined;
  /** DFT launchers by scheduler (e.g. `{ local: new DelayedLauncher(120) }`). */
  readonly launchers?: WorkerDependencies['launchers'];
  readonly concurrency?: WorkerOptions['concurrency'];
}

export interface HarnessOptions extends WorkerGroup {
  /**
   * The suite's own namespace, so suites running in parallel never take each other's tasks. One
   * that the shared server does not create at start (`TEST_NAMESPACES`) is registered here.
   */
  readonly namespace: string;
  /** Default 'postgres'. */
  readonly database?: DatabaseKind;
  /** Further in-process workers with other dependencies (e.g. a DFT host that lacks an element). */
  readonly moreWorkers?: readonly WorkerGroup[];
}

export interface TemporalHarness {
  readonly address: string;
  readonly namespace: string;
  readonly database: TestDatabase;
  readonly db: Database;
  /** The database's connection string, for child processes and CLI runs. */
  readonly url: string;
  readonly workDir: string;
  readonly client: Client;
  readonly workers: readonly RunningWorkers[];
  /** Starts a discovery campaign on the workflow queue; its workflow id is the campaign id. */
  startCampaign(campaignId: string, config: CampaignConfig): ReturnType<typeof startCampaign>;
  /** Runs a discovery campaign to its result. */
  runCampaign(campaignId: string, config: CampaignConfig): ReturnType<typeof runCampaign>;
  /** A worker process (cpu, dft, gpu) on this namespace, database and work directory; stopped by `stop()`. */
  startWorkerProcess(options?: { dftDelayS?: number }): Promise<ChildProcess>;
  /** Runs `cleanup` in `stop()` after the workers and before the database closes; the last added runs first. */
  onStop(cleanup: () => unknown): void;
  /** Shuts the in-process workers down now (`stop()` then skips them). */
  stopWorkers(): Promise<void>;
  /** Tears everything down; once (a second call waits for the first). */
  stop(): Promise<void>;
}

export function startCampaign(client: Client, campaignId: string, config: CampaignConfig) {
  return client.workflow.start(discoveryCampaign, {
    taskQueue: WORKFLOW_TASK_QUEUE,
    workflowId: campaignId,
    args: [{ campaignId, config }],
  });
}

export function runCampaign(client: Client, campaignId: string, config: CampaignConfig) {
  return client.workflow.execute(discoveryCampaign, {
    taskQueue: WORKFLOW_TASK_QUEUE,
    workflowId: campaignId,
    args: [{ campaignId, config }],
  });
}

/** Registers `namespace` on the server unless it exists, and waits until the server serves it. */
async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  } catch (err) {
    if (!/already exists/i.test((err as Error).message)) throw err;
  }
  for (let i = 0; i < 100; i++) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch {
      await sleep(200);
    }
  }
}

export async function startTemporalHarness(options: HarnessOptions): Promise<TemporalHarness> {
  const address = inject('temporalAddress');
  const { namespace } = options;
  const workDir = mkdtempSync(join(tmpdir(), `matdisc-${namespace}-`));
  chmodSync(workDir, 0o755);
  let database: TestDatabase | undefined;
  let connection: Connection | undefined;
  const workers: RunningWorkers[] = [];
  const processes: ChildProcess[] = [];
  const cleanups: (() => unknown)[] = [];
  let workersStopped = false;

  const stopWorkers = async () => {
    if (workersStopped) return;
    workersStopped = true;
    for (const w of workers) await w.shutdown();
  };
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await stopWorkerProcesses(processes);
      await connection?.close();
      await stopWorkers();
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await database?.close();
      rmSync(workDir, { recursive: true, force: true });
    })());

  try {
    database = await openTestDatabase(options.database ?? 'postgres', { migrated: true });
    connection = await Connection.connect({ address });
    if (!(TEST_NAMESPACES as readonly string[]).includes(namespace))
      await ensureNamespace(connection, namespace);
    const client = new Client({ connection, namespace });
    for (const group of [options, ...(options.moreWorkers ?? [])]) {
      if (group.queues.length === 0) continue;
      workers.push(
        await startWorkers({
          address,
          namespace,
          queues: group.queues,
          deps: {
            db: database.db,
            workRoot: workDir,
            pseudoDir: group.pseudoDir ?? process.env.PSEUDO_DIR,
            ...(group.launchers ? { launchers: group.launchers } : {}),
          },
          ...(group.concurrency ? { concurrency: group.concurrency } : {}),
        }),
      );
    }
    const t = database;
    return {
      address,
      namespace,
      database: t,
      db: t.db,
      url: t.url,
      workDir,
      client,
      workers,
      startCampaign: (campaignId, config) => startCampaign(client, campaignId, config),
      runCampaign: (campaignId, config) => runCampaign(client, campaignId, config),
      startWorkerProcess: ({ dftDelayS = 0 } = {}) =>
        startWorkerProcess(
          { temporalAddress: address, namespace, databaseUrl: t.url, workRoot: workDir, dftDelayS },
          processes,
        ),
      onStop: (cleanup) => void cleanups.push(cleanup),
      stopWorkers,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** The campaign's row status ('running', 'paused', 'stopped', 'completed', …); undefined before it is recorded. */
export async function campaignStatus(db: Database, campaignId: string): Promise<string | undefined> {
  const r = await db.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [campaignId]);
  return r.rows[0]?.status;
}

/** Reads the campaign's status up to `tries` times, 200 ms apart, until it is `status`; returns the last read. */
export async function waitForCampaignStatus(
  db: Database,
  campaignId: string,
  status: string,
  tries = 100,
): Promise<string | undefined> {
  let seen = await campaignStatus(db, campaignId);
  for (let i = 1; i < tries && seen !== status; i++) {
    await sleep(200);
    seen = await campaignStatus(db, campaignId);
  }
  return seen;
}

export interface RunningDftJob {
  readonly id: string;
  readonly structure_id: string;
  readonly scheduler_job_id: string;
}

/**
 * The campaign's DFT calculations that run with a submitted job, read every 200 ms (at most
 * `tries` times) until there are `count`; returns the last read, which the caller checks.
 */
export async function waitForRunningDftJobs(
  db: Database,
  campaignId: string,
  count: number,
  tries: number,
): Promise<RunningDftJob[]> {
  let running: RunningDftJob[] = [];
  for (let i = 0; i < tries && running.length < count; i++) {
    await sleep(200);
    running = (
      await db.query<RunningDftJob>(
        `SELECT id::text, structure_id::text, scheduler_job_id FROM dft_calculations
          WHERE campaign_id = $1 AND status = 'running' AND scheduler_job_id IS NOT NULL`,
        [campaignId],
      )
    ).rows;
  }
  return running;
}

/** The campaign's first DFT calculation with a submitted job (any status); throws after `timeoutMs`. */
export function waitForSubmittedDft(
  db: Database,
  campaignId: string,
  timeoutMs = 180_000,
): Promise<{ id: string; scheduler_job_id: string }> {
  return poll(
    'DFT job submitted',
    async () =>
      (
        await db.query<{ id: string; scheduler_job_id: string }>(
          'SELECT id::text, scheduler_job_id FROM dft_calculations WHERE campaign_id = $1 AND scheduler_job_id IS NOT NULL',
          [campaignId],
        )
      ).rows[0],
    timeoutMs,
  );
}
