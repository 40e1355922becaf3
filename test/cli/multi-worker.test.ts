/**
 * A cluster without Docker (issue 17; README "Cluster without Docker"): one Temporal server, one
 * PostgreSQL server, and workers on two hosts' worth of processes, each `matdisc worker` run as a
 * user runs it (bin/matdisc.js, TEMPORAL_ADDRESS and DATABASE_URL set, a data dir of its own as a
 * host would have):
 * - host A: `matdisc worker --queues cpu,gpu` (the workflows, database work, generator and MLIP);
 * - host B: `matdisc worker --queues dft` (pw.x).
 * `matdisc db migrate` prepares the database, `matdisc campaign start` starts a small campaign and
 * `matdisc campaign status --watch` waits for its end. Temporal's histories (the campaign's and its
 * child workflows') then show that every task ran on the worker that polls its queue, the
 * campaign's rows are in PostgreSQL with the DFT work directories on host B, and both workers
 * stop cleanly on SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresServer } from '../../cli/stack/postgres-server.js';
import { TemporalDevServer } from '../../cli/stack/temporal-dev-server.js';
import { Database } from '../../db/database.js';
import { MORSE } from '../campaign/fixtures.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CAMPAIGN_ID = 'two-hosts';

/** A campaign of seconds: Si prototypes, the Morse committee, one pw.x calculation (test profile). */
const CAMPAIGN = `
name: two-hosts
chemistry: { systems: [Si] }
rounds: 1
candidatesPerRound: 4
generator: { model: prototypes }
mlip: { model: ${MORSE} }
relax: { fmax: 0.1, steps: 100 }
stability: { maxEAboveHullEvPerAtom: 100 }
trust: { excludeUntrusted: false }
dft: { profile: test, budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 1 }
retraining: { policy: never }
`;

/** Only the cluster's variables: no data dir default, no namespace other than `default`. */
function clusterEnv(temporalAddress: string, databaseUrl: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['TEMPORAL_NAMESPACE', 'MATDISC_DATA_DIR']) delete env[name];
  return { ...env, TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl };
}

interface WorkerHost {
  readonly name: string;
  readonly dataDir: string;
  readonly process: ResultPromise;
  /** Temporal's default worker identity, `<pid>@<hostname>`, as the history records it. */
  readonly identity: string;
  log(): string;
}

/** One task of a workflow history: an activity (its type and queue) or a workflow task. */
interface TaskRun {
  readonly workflowId: string;
  readonly kind: 'activity' | 'workflow';
  readonly name: string;
  readonly queue: string;
  readonly identity: string;
}

/** Every activity and workflow task of the workflow and, recursively, of its child workflows. */
async function taskRuns(client: Client, workflowId: string): Promise<TaskRun[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const runs: TaskRun[] = [];
  const scheduled = new Map<string, { name: string; queue: string }>();
  const children: string[] = [];
  let workflowQueue = '';
  for (const e of history.events ?? []) {
    const started = e.workflowExecutionStartedEventAttributes;
    if (started) workflowQueue = started.taskQueue?.name ?? '';
    const s = e.activityTaskScheduledEventAttributes;
    if (s)
      scheduled.set(String(e.eventId), { name: s.activityType?.name ?? '', queue: s.taskQueue?.name ?? '' });
    const a = e.activityTaskStartedEventAttributes;
    if (a) {
      const activity = scheduled.get(String(a.scheduledEventId));
      runs.push({
        workflowId,
        kind: 'activity',
        name: activity?.name ?? '?',
        queue: activity?.queue ?? '?',
        identity: a.identity ?? '',
      });
    }
    const w = e.workflowTaskStartedEventAttributes;
    if (w)
      runs.push({
        workflowId,
        kind: 'workflow',
        name: 'workflow task',
        queue: workflowQueue,
        identity: w.identity ?? '',
      });
    const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) children.push(child);
  }
  for (const child of children) runs.push(...(await taskRuns(client, child)));
  return runs;
}

describe('a cluster without Docker: two matdisc worker processes with disjoint queues', () => {
  let root: string;
  let temporal: TemporalDevServer | undefined;
  let postgres: PostgresServer | undefined;
  let databaseUrl: string;
  let env: NodeJS.ProcessEnv;
  const hosts: WorkerHost[] = [];

  const matdisc = (args: string[], timeout = 120_000) =>
    execa('node', [join(ROOT, 'bin/matdisc.js'), ...args], {
      cwd: ROOT,
      reject: false,
      extendEnv: false,
      env,
      timeout,
    });

  /** `matdisc worker --queues QUEUES --data-dir <root>/NAME`; resolves once it says it polls. */
  async function startWorker(name: string, queues: string): Promise<WorkerHost> {
    const dataDir = join(root, name);
    const child = execa(
      'node',
      [join(ROOT, 'bin/matdisc.js'), 'worker', '--queues', queues, '--data-dir', dataDir],
      {
        cwd: ROOT,
        reject: false,
        extendEnv: false,
        env,
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'pipe',
        // A hang guard only: the test stops the workers with SIGTERM long before.
        timeout: 600_000,
      },
    );
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const host: WorkerHost = {
      name,
      dataDir,
      process: child,
      identity: `${child.pid}@${hostname()}`,
      log: () => log,
    };
    hosts.push(host);
    const deadline = Date.now() + 120_000;
    while (!/Ctrl-C stops it/.test(log)) {
      expect(child.exitCode, `worker ${name} exited early: ${log}`).toBeNull();
      expect(Date.now(), `worker ${name} did not start: ${log}`).toBeLessThan(deadline);
      await sleep(200);
    }
    expect(log).toContain(`worker on ${temporal!.address}, queues ${queues.split(',').join(', ')}`);
    return host;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'matdisc-multi-worker-'));
    chmodSync(root, 0o755); // the PostgreSQL server runs as `postgres` when we are root
    [temporal, postgres] = await Promise.all([
      TemporalDevServer.start({ stateDir: root }),
      PostgresServer.start({ dataDir: join(root, 'postgres') }),
    ]);
    // A database of matdisc's own on the server, as a cluster's administrator would create.
    const admin = await Database.connect({ url: postgres.url, maxConnections: 1 });
    await admin.query('CREATE DATABASE matdisc');
    await admin.close();
    databaseUrl = postgres.url.replace(/\/postgres$/, '/matdisc');
    env = clusterEnv(temporal.address, databaseUrl);
    writeFileSync(join(root, 'campaign.yaml'), CAMPAIGN);
  });

  afterAll(async () => {
    for (const h of hosts) if (h.process.exitCode === null) h.process.kill('SIGKILL');
    await Promise.allSettled(hosts.map((h) => h.process));
    await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('runs one campaign with each queue on the worker that polls it, then both stop on SIGTERM', async () => {
    const migrate = await matdisc(['db', 'migrate', '--json']);
    expect(migrate.exitCode, migrate.stderr).toBe(0);
    expect(JSON.parse(migrate.stdout).applied.length).toBeGreaterThan(0);

    const [hostA, hostB] = [await startWorker('host-a', 'cpu,gpu'), await startWorker('host-b', 'dft')];

    const start = await matdisc([
      'campaign',
      'start',
      join(root, 'campaign.yaml'),
      '--id',
      CAMPAIGN_ID,
      '--detach',
      '--json',
    ]);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(JSON.parse(start.stdout)).toEqual({ campaignId: CAMPAIGN_ID });

    // Follows the campaign through Temporal until it ends (exit 0); the timeout is a hang guard.
    const watch = await matdisc(
      ['campaign', 'status', CAMPAIGN_ID, '--watch', '--interval-s', '1', '--json'],
      300_000,
    );
    expect(watch.exitCode, `${watch.stderr}\n${hostA.log()}\n${hostB.log()}`).toBe(0);
    const last = JSON.parse(watch.stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ campaignId: CAMPAIGN_ID, stage: 'completed', dftSpent: 1 });

    // Temporal's record of who ran what: every task on the worker that polls its queue.
    const connection = await Connection.connect({ address: temporal!.address });
    try {
      const client = new Client({ connection, namespace: 'default' });
      const runs = await taskRuns(client, CAMPAIGN_ID);
      const byQueue = (q: string) => runs.filter((r) => r.queue === q);
      const names = (q: string) =>
        new Set(
          byQueue(q)
            .filter((r) => r.kind === 'activity')
            .map((r) => r.name),
        );
      expect([...names('cpu')]).toEqual(
        expect.arrayContaining(['recordCampaign', 'deduplicate', 'selectForDft']),
      );
      expect([...names('gpu')]).toEqual(expect.arrayContaining(['generateCandidates', 'relaxAndScore']));
      // The Si reference and the one candidate, each in its child workflow.
      expect(byQueue('dft').map((r) => [r.kind, r.name, r.workflowId])).toEqual(
        expect.arrayContaining([
          ['activity', 'runDftCalculation', `${CAMPAIGN_ID}-dft-reference-Si`],
          ['activity', 'runDftCalculation', expect.stringMatching(new RegExp(`^${CAMPAIGN_ID}-dft-\\d+$`))],
        ]),
      );
      expect(byQueue('dft').every((r) => r.kind === 'activity')).toBe(true);
      // Workflow tasks (cpu), cpu and gpu activities on host A; DFT activities on host B.
      for (const r of runs)
        expect(r.identity, `${r.kind} ${r.name} (queue ${r.queue}) of ${r.workflowId}`).toBe(
          r.queue === 'dft' ? hostB.identity : hostA.identity,
        );
      expect(new Set(runs.map((r) => r.queue))).toEqual(new Set(['cpu', 'gpu', 'dft']));
    } finally {
      await connection.close();
    }

    // The campaign's rows are in PostgreSQL; pw.x worked in host B's data dir.
    const db = await Database.connect({ url: databaseUrl, maxConnections: 1 });
    try {
      const campaign = await db.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [
        CAMPAIGN_ID,
      ]);
      expect(campaign.rows).toEqual([{ status: 'completed' }]);
      const rounds = await db.query<{ round_index: number }>(
        'SELECT round_index FROM rounds WHERE campaign_id = $1',
        [CAMPAIGN_ID],
      );
      expect(rounds.rows).toEqual([{ round_index: 0 }]);
      const generated = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM structures WHERE campaign_id = $1 AND origin = 'generated'`,
        [CAMPAIGN_ID],
      );
      expect(generated.rows[0]!.n).toBeGreaterThan(0);
      const predictions = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM predictions p JOIN structures s ON s.id = p.structure_id
          WHERE s.campaign_id = $1`,
        [CAMPAIGN_ID],
      );
      expect(predictions.rows[0]!.n).toBeGreaterThan(0);
      const dft = await db.query<{ status: string; work_dir: string }>(
        'SELECT status, work_dir FROM dft_calculations WHERE campaign_id = $1',
        [CAMPAIGN_ID],
      );
      expect(dft.rows).toHaveLength(1);
      expect(dft.rows[0]!.status).toBe('converged');
      expect(dft.rows[0]!.work_dir.startsWith(join(hostB.dataDir, 'work'))).toBe(true);
    } finally {
      await db.close();
    }

    // SIGTERM: each worker finishes its shutdown and exits 0.
    for (const h of [hostA, hostB]) h.process.kill('SIGTERM');
    for (const h of [hostA, hostB]) {
      const r = await h.process;
      expect({ host: h.name, exitCode: r.exitCode, signal: r.signal }, h.log()).toEqual({
        host: h.name,
        exitCode: 0,
        signal: undefined,
      });
    }
  }, 480_000);
});
