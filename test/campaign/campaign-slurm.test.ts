/**
 * The campaign's DFT through SLURM (the one-node cluster of scripts/slurm-cluster.sh), and the
 * worker killed with SIGKILL while the job runs. The job lives on in SLURM; a new worker picks the
 * calculation up after the heartbeat timeout (1 minute) and re-attaches to the job by the id the
 * dead one stored, instead of submitting it again: sacct knows exactly one job for the
 * calculation's directory, and there is one `dft_calculations` row, converged, with one attempt.
 * Jobs sleep 10 s before pw.x (DelayedSlurmLauncher) so the kill lands while one certainly runs.
 */
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKFLOW_TASK_QUEUE } from '../../cli/start-workers.js';
import { discoveryCampaign } from '../../workflows/campaign.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { slurmLines, startSlurmCluster } from '../slurm/cluster.js';
import { poll } from './blocked-query.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';
import { isAlive, killWorkerProcess, startWorkerProcess, stopWorkerProcesses } from './spawn-worker.js';

const NAMESPACE = 'campaign-slurm';

describe('campaign with SLURM DFT survives kill -9 of its worker', () => {
  let t: TestDatabase;
  let workRoot: string;
  let client: Client;
  let connection: Connection;
  const children: ChildProcess[] = [];
  const worker = () =>
    startWorkerProcess(
      {
        temporalAddress: inject('temporalAddress'),
        namespace: NAMESPACE,
        databaseUrl: t.url,
        workRoot,
        dftDelayS: 10,
      },
      children,
    );

  beforeAll(async () => {
    await startSlurmCluster();
    t = await openTestDatabase('postgres', { migrated: true });
    workRoot = mkdtempSync(join(tmpdir(), 'matdisc-campaign-slurm-'));
    chmodSync(workRoot, 0o755);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: NAMESPACE });
  }, 200_000);

  afterAll(async () => {
    await stopWorkerProcesses(children);
    await connection?.close();
    await t?.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  it('kill -9 while the SLURM job runs: a new worker re-attaches, one job, one row, converged', async () => {
    const campaignId = `campaign-slurm-${Date.now()}`;
    const config = siliconCampaign({
      candidatesPerRound: 4,
      dft: { profile: 'test', scheduler: 'slurm', budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 1 },
    });
    await seedDftReferences(t.db, config);
    const first = await worker();
    const handle = await client.workflow.start(discoveryCampaign, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: campaignId,
      args: [{ campaignId, config }],
    });
    const jobId = await poll(
      'SLURM job submitted',
      async () =>
        (
          await t.db.query<{ scheduler_job_id: string }>(
            'SELECT scheduler_job_id FROM dft_calculations WHERE campaign_id = $1 AND scheduler_job_id IS NOT NULL',
            [campaignId],
          )
        ).rows[0]?.scheduler_job_id,
      180_000,
    );
    expect(jobId).toMatch(/^\d+$/);
    // Queued jobs of other SLURM test files may hold the node for a while.
    await poll(
      'SLURM job running',
      async () =>
        (await slurmLines('squeue', ['-h', '-j', jobId, '-o', '%T'])).includes('RUNNING') ? true : undefined,
      180_000,
    );
    await killWorkerProcess(first);
    const killedAt = Date.now();
    // The job did not die with its worker.
    expect(await slurmLines('squeue', ['-h', '-j', jobId, '-o', '%T'])).toEqual(['RUNNING']);

    const second = await worker();
    const result = await handle.result();
    console.log(`slurm: campaign done ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`);
    expect(isAlive(second)).toBe(true);
    expect(result).toMatchObject({ stage: 'completed', dftSpent: 1 });
    expect(result.counts).toMatchObject({ dftConverged: 1, dftFailed: 0 });

    const rows = await t.db.query<{
      status: string;
      scheduler: string;
      scheduler_job_id: string;
      work_dir: string;
      energy_per_atom_ev: number | null;
      attempts: unknown[];
    }>(
      `SELECT status, scheduler, scheduler_job_id, work_dir, energy_per_atom_ev, attempts
         FROM dft_calculations WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(rows.rows).toHaveLength(1);
    const row = rows.rows[0]!;
    expect(row).toMatchObject({ status: 'converged', scheduler: 'slurm', scheduler_job_id: jobId });
    expect(row.energy_per_atom_ev).toBeLessThan(-100);
    expect(row.attempts).toHaveLength(1);
    // The scheduler ran exactly one job for this calculation: the one the dead worker submitted.
    const jobs = await slurmLines('sacct', ['-n', '-P', '-X', '-S', 'now-1hour', '-o', 'JobID,WorkDir']);
    const forCalculation = jobs.filter((l) => l.split('|')[1]?.startsWith(row.work_dir));
    expect(forCalculation).toEqual([`${jobId}|${row.work_dir}/attempt-0`]);
  }, 360_000);
});
