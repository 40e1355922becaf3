/**
 * A campaign where some DFT calculations fail keeps going and records each failure with its
 * reason. The DFT host's pseudopotential folder lacks Ge (the cpu/gpu worker, which checks the
 * configuration in `recordCampaign`, has the full library), so every selected Si-Ge candidate
 * that contains Ge is rejected by the QE engine (stored `failed`, reason "input rejected: no
 * pseudopotential for element Ge …") while the pure-Si ones converge.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalHarness, type TemporalHarness } from '../helpers/temporal-harness.js';
import { siliconCampaign } from './fixtures.js';
import { pseudoDirWithout } from './pseudo-dir.js';

describe('campaign with failing DFT calculations', () => {
  let h: TemporalHarness;
  let pseudoDir: string;

  beforeAll(async () => {
    pseudoDir = pseudoDirWithout(['Ge']);
    h = await startTemporalHarness({
      namespace: 'campaign-failures',
      queues: ['cpu', 'gpu'],
      moreWorkers: [{ queues: ['dft'], pseudoDir, concurrency: { dft: 2 } }],
    });
  });

  afterAll(async () => {
    await h?.stop();
    if (pseudoDir) rmSync(pseudoDir, { recursive: true, force: true });
  });

  it('completes; one row per selected candidate; failures stored with reason and counted', async () => {
    const campaignId = `campaign-failures-${Date.now()}`;
    const result = await h.runCampaign(
      campaignId,
      siliconCampaign({
        chemistry: { systems: ['Ge-Si'] },
        // 11 prototypes (4 Si, 4 Ge, 3 SiGe): one of each.
        candidatesPerRound: 11,
        dft: { profile: 'test', budgetPerRound: 6, budgetTotal: 6, maxConcurrent: 2 },
      }),
    );
    expect(result.stage).toBe('completed');
    const rows = await h.db.query<{
      structure_id: string;
      n: string;
      status: string;
      failure_reason: string | null;
      species: string[];
    }>(
      `SELECT d.structure_id::text, count(*) OVER (PARTITION BY d.structure_id) AS n, d.status,
              d.failure_reason, s.species
         FROM dft_calculations d JOIN structures s ON s.id = d.structure_id
        WHERE d.campaign_id = $1`,
      [campaignId],
    );
    // Every selected candidate has exactly one calculation, and the workflow counted each.
    expect(rows.rows).toHaveLength(result.dftSpent);
    for (const r of rows.rows) expect(Number(r.n)).toBe(1);
    const failed = rows.rows.filter((r) => r.status === 'failed');
    const converged = rows.rows.filter((r) => r.status === 'converged');
    expect(failed.length + converged.length).toBe(rows.rows.length);
    // Exactly the candidates with Ge failed, each with the engine's reason.
    for (const r of rows.rows) expect(r.status).toBe(r.species.includes('Ge') ? 'failed' : 'converged');
    for (const r of failed) expect(r.failure_reason).toMatch(/input rejected: .*pseudopotential.*Ge/);
    expect(failed.length).toBeGreaterThan(0);
    expect(converged.length).toBeGreaterThan(0);
    expect(result.counts).toMatchObject({ dftFailed: failed.length, dftConverged: converged.length });
    const view = await h.db.query<{ dft_failed: string; dft_converged: string; status: string }>(
      'SELECT status, dft_failed, dft_converged FROM campaign_summary WHERE campaign_id = $1',
      [campaignId],
    );
    expect(view.rows[0]).toMatchObject({
      status: 'completed',
      dft_failed: String(failed.length),
      dft_converged: String(converged.length),
    });
    const review = await h.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM candidate_review WHERE campaign_id = $1 AND dft_failure_reason IS NOT NULL`,
      [campaignId],
    );
    expect(Number(review.rows[0]!.n)).toBe(failed.length);
  }, 170_000);
});
