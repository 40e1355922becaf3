/**
 * A lab worker killed with SIGKILL while its experiment waits on the robot: the robot keeps
 * working and repeats its callbacks; a new worker process (same plugin, same callback port) takes
 * over — through the callbacks, its poller, or a re-attaching retry of the activity after the
 * heartbeat timeout — and the experiment completes exactly once: one row, one robot job.
 */
import { Client, Connection } from '@temporalio/client';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../cli/stack/free-port.js';
import { startWorkers, WORKFLOW_TASK_QUEUE, type RunningWorkers } from '../../cli/start-workers.js';
import { labExperiment, labExperimentWorkflowId } from '../../workflows/lab-experiment.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import {
  labConfig,
  seedCandidates,
  startLabWorker,
  startSimulator,
  type LabWorkerEnv,
  type Proc,
} from './lab-fixtures.js';

const NAMESPACE = 'lab-kill';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lab experiment survives kill -9 of its lab worker', () => {
  let t: TestDatabase;
  let workDir: string;
  let sim: Proc & { url: string };
  const labWorkers: Proc[] = [];
  let cpuWorkers: RunningWorkers;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    workDir = mkdtempSync(join(tmpdir(), 'matdisc-lab-kill-'));
    chmodSync(workDir, 0o755);
    sim = await startSimulator({ durationMs: 6000, progressEveryMs: 300 });
    cpuWorkers = await startWorkers({
      address: inject('temporalAddress'),
      namespace: NAMESPACE,
      queues: ['cpu'],
      deps: { db: t.db, workRoot: workDir },
    });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: NAMESPACE });
  });

  afterAll(async () => {
    await connection?.close();
    await cpuWorkers?.shutdown();
    for (const w of labWorkers) await w.stop();
    await sim?.stop();
    await t?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('kill -9 while waiting, new worker: completes once', async () => {
    const [structureId] = await seedCandidates(t.db, 'lab-kill-campaign', 1);
    const env: LabWorkerEnv = {
      temporalAddress: inject('temporalAddress'),
      namespace: NAMESPACE,
      databaseUrl: t.url,
      robotUrl: sim.url,
      callbackPort: await freePort(),
      workDir,
    };
    labWorkers.push(await startLabWorker(env));
    const lab = labConfig({
      timeouts: { deviceWait: '1 minute', experiment: '1 minute', progress: '2 seconds' },
    });
    const handle = await client.workflow.start(labExperiment, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: labExperimentWorkflowId('lab-kill-campaign', lab.plugin, structureId!),
      args: [{ campaignId: 'lab-kill-campaign', roundId: null, structureId: structureId!, lab }],
    });
    for (let i = 0; i < 200; i++) {
      const r = await t.db.query(
        `SELECT progress FROM lab_experiments WHERE structure_id = $1 AND status = 'running'`,
        [structureId],
      );
      if (r.rows[0]?.progress?.state === 'running') break;
      await sleep(100);
    }
    await labWorkers[0]!.kill9();
    expect(labWorkers[0]!.child.signalCode).toBe('SIGKILL');
    const killedAt = Date.now();
    await sleep(1000); // the robot's callbacks fail meanwhile; it repeats them
    labWorkers.push(await startLabWorker(env));

    const summary = await handle.result();
    console.log(`lab kill: experiment done ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    expect(summary).toMatchObject({ status: 'succeeded', jobs: 1 });
    const rows = await t.db.query<{
      idempotency_key: string;
      status: string;
      jobs: unknown[];
      result: unknown;
    }>(`SELECT idempotency_key, status, jobs, result FROM lab_experiments WHERE structure_id = $1`, [
      structureId,
    ]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]!.jobs).toHaveLength(1);
    expect(rows.rows[0]!.result).not.toBeNull();
    const jobs = (await (
      await fetch(`${sim.url}/jobs?experimentKey=${encodeURIComponent(rows.rows[0]!.idempotency_key)}`)
    ).json()) as { state: string }[];
    expect(jobs.map((j) => j.state)).toEqual(['succeeded']); // submitted once, never again
  }, 90_000);
});
