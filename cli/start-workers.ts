/** Temporal workers for matdisc's task queues (see `task-queues.ts`). */
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createCampaignActivities } from '../activities/campaign/index.js';
import { createDftActivities, type DftActivityDependencies } from '../activities/dft/dft-activities.js';
import { createLabActivities } from '../activities/lab/lab-activities.js';
import { startLabRuntime, type LabWorkerOptions } from './lab-runtime.js';
import type { Database } from '../db/database.js';
import { WORKFLOW_TASK_QUEUE, type TaskQueue } from './task-queues.js';

export { TASK_QUEUES, WORKFLOW_TASK_QUEUE, type TaskQueue } from './task-queues.js';

export interface WorkerDependencies {
  readonly db: Database;
  readonly workRoot: string;
  /** SSSP pseudopotentials for QE (default: PSEUDO_DIR). */
  readonly pseudoDir?: string | undefined;
  /** DFT launchers by scheduler name (default: created on first use); tests pass wrapped ones. */
  readonly launchers?: DftActivityDependencies['launchers'];
}

export interface WorkerOptions {
  readonly address: string;
  readonly namespace: string;
  readonly queues: readonly TaskQueue[];
  readonly deps: WorkerDependencies;
  /** Activities a worker runs at once, per queue. */
  readonly concurrency?: Partial<Record<TaskQueue, number>>;
  /** Robot plugins (`--plugin`), served on the `lab` queue with their callback receiver and poller. */
  readonly lab?: LabWorkerOptions;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles `workflows/index.ts` once per process (webpack, a few seconds). */
function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: console.warn,
      error: console.error,
    },
  });
  return bundle;
}

export function createActivities(deps: WorkerDependencies) {
  return {
    ...createDftActivities(deps),
    ...createCampaignActivities(deps),
    ...createLabActivities(deps),
  };
}

export interface RunningWorkers {
  /** Resolves when every worker has shut down. */
  readonly done: Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/** The SDK logs worker state changes and idle queues; keep the console for errors (MATDISC_LOG_LEVEL overrides). */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    const level = (process.env.MATDISC_LOG_LEVEL ?? 'ERROR') as 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed by the embedding program (e.g. a test harness): keep theirs.
  }
}

export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  installRuntime();
  const connection = await NativeConnection.connect({ address: options.address });
  const lab =
    options.lab && options.queues.includes('lab')
      ? await startLabRuntime({
          db: options.deps.db,
          address: options.address,
          namespace: options.namespace,
          lab: options.lab,
        })
      : undefined;
  const activities = { ...createActivities(options.deps), ...lab?.activities };
  const workflowsBundle = await workflowBundle();
  // A `lab` worker without robot plugins would take robot activities it cannot run: it stays off.
  const queues = options.queues.filter((q) => q !== 'lab' || lab);
  const workers = await Promise.all(
    queues.map((taskQueue) =>
      Worker.create({
        connection,
        namespace: options.namespace,
        taskQueue,
        activities,
        // Only the workflow queue hosts workflow code.
        ...(taskQueue === WORKFLOW_TASK_QUEUE ? { workflowBundle: workflowsBundle } : {}),
        maxConcurrentActivityTaskExecutions:
          options.concurrency?.[taskQueue] ?? (taskQueue === 'dft' ? 1 : 8),
        shutdownGraceTime: '5 seconds',
        // Heartbeats reach the server (and cancellation reaches pw.x) within 10 s, not the
        // default 0.8 × heartbeat timeout.
        maxHeartbeatThrottleInterval: '10 seconds',
      }),
    ),
  );
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await lab?.close();
    await connection.close();
  });
  return {
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
