/**
 * Reliability with real processes: the worker runs in a child process, is killed with SIGKILL
 * while two DFT jobs run (and so are the jobs: the host is gone), and a new worker process takes
 * over. The campaign completes and every DFT calculation exists exactly once, converged — no
 * result lost, none duplicated. The activity heartbeats every 10 s and the workflow's heartbeat
 * timeout is 1 minute, so the retry starts about a minute after the kill.
 */
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKFLOW_TASK_QUEUE } from '../../cli/start-workers.js';
import { discoveryCampaign } from '../../workflows/campaign.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';

const NAMESPACE = 'campaign-reliability';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('campaign survives kill -9 of its worker', () => {
  let t: TestDatabase;
  let workRoot: string;
  let client: Client;
  let connection: Connection;
  const children: ChildProcess[] = [];

  /** Starts a worker process (its own process group) and resolves once it polls. */
  const startWorkerProcess = (dftDelayS: number): Promise<ChildProcess> =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'worker-process.ts')],
        {
          detached: true,
          stdio: ['ignore', 'pipe', 'inherit'],
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: inject('temporalAddress'),
            TEMPORAL_NAMESPACE: NAMESPACE,
            DATABASE_URL: t.url,
            WORK_ROOT: workRoot,
            DFT_DELAY_S: String(dftDelayS),
          },
        },
      );
      children.push(child);
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (s: string) => {
        if (s.includes('ready')) resolve(child);
      });
      child.once('exit', (code, signal) => reject(new Error(`worker exited early: ${code ?? signal}`)));
    });

  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    workRoot = mkdtempSync(join(tmpdir(), 'matdisc-campaign-reliability-'));
    chmodSync(workRoot, 0o755);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: NAMESPACE });
  });

  afterAll(async () => {
    for (const c of children)
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await exited;
      }
    await connection?.close();
    await t?.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  it('kill -9 during DFT, new worker: completes, each calculation once, all converged', async () => {
    const first = await startWorkerProcess(20);
    const campaignId = `campaign-kill-${Date.now()}`;
    // The Si reference is not under test: without it, its vc-relax would hold one of the two slots.
    await seedDftReferences(t.db, siliconCampaign());
    const handle = await client.workflow.start(discoveryCampaign, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: campaignId,
      args: [{ campaignId, config: siliconCampaign() }],
    });
    let jobs: { id: string; scheduler_job_id: string }[] = [];
    for (let i = 0; i < 600 && jobs.length < 2; i++) {
      await sleep(200);
      jobs = (
        await t.db.query<{ id: string; scheduler_job_id: string }>(
          `SELECT id::text, scheduler_job_id FROM dft_calculations
            WHERE campaign_id = $1 AND status = 'running' AND scheduler_job_id IS NOT NULL`,
          [campaignId],
        )
      ).rows;
    }
    expect(jobs).toHaveLength(2);

    // The host dies: the worker and its DFT jobs (each in its own session, `local-<pid>-…`).
    first.removeAllListeners('exit'); // the early-exit rejection of startWorkerProcess
    const exited = new Promise((r) => first.once('exit', r));
    process.kill(-first.pid!, 'SIGKILL');
    for (const j of jobs) {
      const pid = Number(/^local-(\d+)-/.exec(j.scheduler_job_id)![1]);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    expect(first.signalCode).toBe('SIGKILL');

    const killedAt = Date.now();
    await startWorkerProcess(0);
    const result = await handle.result();
    console.log(`reliability: campaign done ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`);
    expect(result).toMatchObject({ stage: 'completed', dftSpent: 2 });
    expect(result.counts).toMatchObject({ dftConverged: 2, dftFailed: 0 });

    const rows = await t.db.query<{
      idempotency_key: string;
      n: string;
      status: string;
      attempts: unknown[];
    }>(
      `SELECT idempotency_key, count(*) OVER (PARTITION BY idempotency_key) AS n, status, attempts
         FROM dft_calculations WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(rows.rows).toHaveLength(2);
    for (const r of rows.rows) {
      expect(Number(r.n)).toBe(1);
      expect(r.status).toBe('converged');
      expect(r.attempts).toHaveLength(1); // the killed run was never finished, so it is no attempt
    }
    expect(rows.rows.map((r) => r.idempotency_key).sort()).toEqual(
      [...new Set(rows.rows.map((r) => r.idempotency_key))].sort(),
    );
    const round = await t.db.query<{ summary: { dftConverged: number; dftRun: number } }>(
      'SELECT summary FROM rounds WHERE campaign_id = $1',
      [campaignId],
    );
    expect(round.rows[0]!.summary).toMatchObject({ dftRun: 2, dftConverged: 2 });
  }, 175_000);
});
