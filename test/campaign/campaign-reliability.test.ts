/**
 * Reliability with real processes: the worker runs in a child process, is killed with SIGKILL
 * while two DFT jobs run (and so are the jobs: the host is gone), and a new worker process takes
 * over. The campaign completes and every DFT calculation exists exactly once, converged — no
 * result lost, none duplicated. The activity heartbeats every 10 s and the workflow's heartbeat
 * timeout is 1 minute, so the retry starts about a minute after the kill.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTemporalHarness,
  waitForRunningDftJobs,
  type TemporalHarness,
} from '../helpers/temporal-harness.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';

describe('campaign survives kill -9 of its worker', () => {
  let h: TemporalHarness;

  // The workers run as processes (`h.startWorkerProcess`), none in this one.
  beforeAll(async () => {
    h = await startTemporalHarness({ namespace: 'campaign-reliability', queues: [] });
  });

  afterAll(() => h?.stop());

  it('kill -9 during DFT, new worker: completes, each calculation once, all converged', async () => {
    const first = await h.startWorkerProcess({ dftDelayS: 20 });
    const campaignId = `campaign-kill-${Date.now()}`;
    // The Si reference is not under test: without it, its vc-relax would hold one of the two slots.
    await seedDftReferences(h.db, siliconCampaign());
    const handle = await h.startCampaign(campaignId, siliconCampaign());
    const jobs = await waitForRunningDftJobs(h.db, campaignId, 2, 600);
    expect(jobs).toHaveLength(2);

    // The host dies: the worker and its DFT jobs (each in its own session, `local-<pid>-…`).
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
    await h.startWorkerProcess();
    const result = await handle.result();
    console.log(`reliability: campaign done ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`);
    expect(result).toMatchObject({ stage: 'completed', dftSpent: 2 });
    expect(result.counts).toMatchObject({ dftConverged: 2, dftFailed: 0 });

    const rows = await h.db.query<{
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
    const round = await h.db.query<{ summary: { dftConverged: number; dftRun: number } }>(
      'SELECT summary FROM rounds WHERE campaign_id = $1',
      [campaignId],
    );
    expect(round.rows[0]!.summary).toMatchObject({ dftRun: 2, dftConverged: 2 });
  }, 175_000);
});
