/**
 * The campaign's DFT through SLURM (the one-node cluster of scripts/slurm-cluster.sh), and the
 * worker killed with SIGKILL while the job runs. The job lives on in SLURM; a new worker picks the
 * calculation up after the heartbeat timeout (1 minute) and re-attaches to the job by the id the
 * dead one stored, instead of submitting it again: sacct knows exactly one job for the
 * calculation's directory, and there is one `dft_calculations` row, converged, with one attempt.
 * Jobs sleep 10 s before pw.x (DelayedSlurmLauncher) so the kill lands while one certainly runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTemporalHarness,
  waitForSubmittedDft,
  type TemporalHarness,
} from '../helpers/temporal-harness.js';
import { slurmLines, startSlurmCluster } from '../dft/slurm/cluster.js';
import { poll } from './blocked-query.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';
import { isAlive, killWorkerProcess } from './spawn-worker.js';

describe('campaign with SLURM DFT survives kill -9 of its worker', () => {
  let h: TemporalHarness;
  // The workers run as processes, none in this one.
  const worker = () => h.startWorkerProcess({ dftDelayS: 10 });

  beforeAll(async () => {
    await startSlurmCluster();
    h = await startTemporalHarness({ namespace: 'campaign-slurm', queues: [] });
  }, 200_000);

  afterAll(() => h?.stop());

  it('kill -9 while the SLURM job runs: a new worker re-attaches, one job, one row, converged', async () => {
    const campaignId = `campaign-slurm-${Date.now()}`;
    const config = siliconCampaign({
      candidatesPerRound: 4,
      dft: { profile: 'test', scheduler: 'slurm', budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 1 },
    });
    await seedDftReferences(h.db, config);
    const first = await worker();
    const handle = await h.startCampaign(campaignId, config);
    const jobId = (await waitForSubmittedDft(h.db, campaignId)).scheduler_job_id;
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

    const rows = await h.db.query<{
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
