/**
 * Real processes for the lab tests: the example robot simulator (`node --import tsx simulator.ts`)
 * and lab workers started the way an operator does (`matdisc worker --queues lab --plugin …`), plus
 * a seeded campaign with structures, and lab configurations with test-sized timeouts.
 */
import type { Client } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../cli/stack/free-port.js';
import { WORKFLOW_TASK_QUEUE } from '../../cli/start-workers.js';
import { parseLabConfig } from '../../contracts/lab-config.js';
import type { Database } from '../../db/database.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import type { LabConfig } from '../../contracts/lab-config.js';
import { labExperiment, labExperimentWorkflowId } from '../../workflows/lab-experiment.js';
import type { TemporalHarness } from '../helpers/temporal-harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const HTTP_ROBOT_PLUGIN = join(ROOT, 'lab/examples/http-robot/plugin.ts');

export interface Proc {
  readonly child: ChildProcess;
  /** SIGKILL to the whole process group (the host dies). */
  kill9(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

function proc(child: ChildProcess): Proc {
  const exited = new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once('exit', () => r());
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    async kill9() {
      if (alive()) process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
    async stop() {
      if (alive()) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Spawns `node --import tsx <args>` in its own process group; resolves when `ready` matches its output. */
function spawnUntil(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ p: Proc; match: RegExpExecArray }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    const onData = (s: Buffer) => {
      out += s.toString();
      const m = ready.exec(out);
      if (m) resolvePromise({ p: proc(child), match: m });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`${args.join(' ')} exited early (${code ?? signal}):\n${out}`)),
    );
  });
}

export async function startSimulator(options: { durationMs?: number; progressEveryMs?: number } = {}) {
  const { p, match } = await spawnUntil(
    [
      join(ROOT, 'lab/examples/http-robot/simulator.ts'),
      '--port',
      '0',
      '--duration-ms',
      String(options.durationMs ?? 1000),
      '--progress-every-ms',
      String(options.progressEveryMs ?? 200),
      '--callback-retry-ms',
      '200',
    ],
    {},
    /listening (http:\/\/\S+)/,
  );
  return { ...p, url: match[1]! };
}

export interface LabWorkerEnv {
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly databaseUrl: string;
  readonly robotUrl: string;
  readonly callbackPort: number;
  readonly workDir: string;
  readonly pollMs?: number;
}

/** `matdisc worker --queues lab --plugin <http-robot> …` as a child process; resolves once it polls. */
export async function startLabWorker(env: LabWorkerEnv): Promise<Proc> {
  const settings = join(env.workDir, 'lab-settings.yaml');
  writeFileSync(settings, `http-robot:\n  baseUrl: ${env.robotUrl}\n  requestTimeoutMs: 1000\n`);
  const { p } = await spawnUntil(
    [
      join(ROOT, 'cli/main.ts'),
      'worker',
      '--queues',
      'lab',
      '--plugin',
      HTTP_ROBOT_PLUGIN,
      '--plugin-settings',
      settings,
      '--lab-callback-port',
      String(env.callbackPort),
      '--lab-poll-ms',
      String(env.pollMs ?? 300),
    ],
    {
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: env.namespace,
      DATABASE_URL: env.databaseUrl,
      MATDISC_DATA_DIR: env.workDir,
    },
    /worker on /,
  );
  return p;
}

export interface RobotLab {
  readonly sim: Proc & { url: string };
  /** What its lab workers run with: one callback port, so a new worker takes over a dead one's. */
  readonly env: LabWorkerEnv;
  /** The lab workers started so far, in order. */
  readonly workers: readonly Proc[];
  /** Starts a lab worker for the simulator on the harness's namespace, database and work directory. */
  startWorker(): Promise<Proc>;
}

/**
 * The robot simulator and its lab workers for a suite on `h`: `h.stop()` stops the workers, in
 * the order they started, then the simulator.
 */
export async function startRobotLab(
  h: TemporalHarness,
  simulator: { durationMs?: number; progressEveryMs?: number },
): Promise<RobotLab> {
  const sim = await startSimulator(simulator);
  h.onStop(() => sim.stop());
  const workers: Proc[] = [];
  h.onStop(async () => {
    for (const w of workers) await w.stop();
  });
  const env: LabWorkerEnv = {
    temporalAddress: h.address,
    namespace: h.namespace,
    databaseUrl: h.url,
    robotUrl: sim.url,
    callbackPort: await freePort(),
    workDir: h.workDir,
  };
  return {
    sim,
    env,
    workers,
    async startWorker() {
      const w = await startLabWorker(env);
      workers.push(w);
      return w;
    },
  };
}

/** Starts the `labExperiment` workflow for one structure, outside any round, under its usual workflow id. */
export function startLabExperiment(client: Client, campaignId: string, structureId: string, lab: LabConfig) {
  return client.workflow.start(labExperiment, {
    taskQueue: WORKFLOW_TASK_QUEUE,
    workflowId: labExperimentWorkflowId(campaignId, lab.plugin, structureId),
    args: [{ campaignId, roundId: null, structureId, lab }],
  });
}

/** A campaign row and `n` relaxed Si-like structures (different lattices) in it; returns their ids. */
export async function seedCandidates(db: Database, campaignId: string, n: number): Promise<string[]> {
  await db.query(`INSERT INTO campaigns (id, name) VALUES ($1, 'lab test') ON CONFLICT DO NOTHING`, [
    campaignId,
  ]);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = 5.43 + 0.01 * i;
    const { id } = await insertOnce(
      db,
      'structures',
      {
        content_hash: `${campaignId}-${i}`,
        reduced_formula: 'Si',
        chemical_system: 'Si',
        n_sites: 2,
        species: ['Si', 'Si'],
        lattice_a: [
          [0, a / 2, a / 2],
          [a / 2, 0, a / 2],
          [a / 2, a / 2, 0],
        ],
        frac_coords: [
          [0, 0, 0],
          [0.25, 0.25, 0.25],
        ],
        volume_a3: a ** 3 / 4,
        origin: 'relaxed',
        campaign_id: campaignId,
      },
      `${campaignId}:s${i}`,
    );
    ids.push(id);
  }
  return ids;
}

/** A lab section with test-sized timeouts (ms–s), approval off unless asked for. */
export function labConfig(overrides: Record<string, unknown> = {}): LabConfig {
  return parseLabConfig({
    plugin: 'http-robot',
    devices: ['furnace-1'],
    request: { kind: 'synthesis', temperatureC: 900 },
    approval: { required: false, timeout: '1 minute' },
    timeouts: { deviceWait: '1 minute', experiment: '30 seconds', progress: '3 seconds' },
    retry: { maxAttempts: 3, initialInterval: '200 ms' },
    leaseTtl: '10 seconds',
    ...overrides,
  });
}
