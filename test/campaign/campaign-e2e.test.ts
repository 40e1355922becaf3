/**
 * A tiny discovery campaign on real components: the Temporal dev server, PostgreSQL with pgvector
 * and pw.x (test profile). One round of 6 Si candidates (prototype generator, Morse fixture
 * committee; see fixtures.ts), DFT budget 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignStatusQuery, pauseSignal, resumeSignal } from '../../workflows/campaign-messages.js';
import {
  startTemporalHarness,
  waitForCampaignStatus,
  type TemporalHarness,
} from '../helpers/temporal-harness.js';
import { siliconCampaign } from './fixtures.js';

describe('discovery campaign end to end', () => {
  let h: TemporalHarness;

  beforeAll(async () => {
    h = await startTemporalHarness({
      namespace: 'campaign-e2e',
      queues: ['cpu', 'dft', 'gpu'],
      concurrency: { dft: 2 },
    });
  });

  afterAll(() => h?.stop());

  it('runs one round: DFT exactly once per selected candidate, summary stored and in campaign_summary', async () => {
    const campaignId = `campaign-si-${Date.now()}`;
    const result = await h.runCampaign(campaignId, siliconCampaign());
    expect(result.stage).toBe('completed');
    expect(result.dftSpent).toBe(2);
    const dft = await h.db.query<{ structure_id: string; n: string; status: string }>(
      `SELECT structure_id::text, count(*) AS n, min(status) AS status FROM dft_calculations
        WHERE campaign_id = $1 GROUP BY structure_id`,
      [campaignId],
    );
    expect(dft.rows).toHaveLength(2);
    for (const r of dft.rows) expect(Number(r.n)).toBe(1);
    const round = await h.db.query<{ summary: Record<string, unknown>; finished_at: Date | null }>(
      'SELECT summary, finished_at FROM rounds WHERE campaign_id = $1',
      [campaignId],
    );
    expect(round.rows).toHaveLength(1);
    expect(round.rows[0]!.finished_at).not.toBeNull();
    expect(round.rows[0]!.summary).toMatchObject({ requested: 6, generated: 6, dftRun: 2 });
    const view = await h.db.query('SELECT * FROM campaign_summary WHERE campaign_id = $1', [campaignId]);
    expect(view.rows[0]).toMatchObject({ status: 'completed', rounds: '1', generated: '6', dft_total: '2' });
    const review = await h.db.query(
      `SELECT count(*) AS n FROM candidate_review WHERE campaign_id = $1 AND origin = 'relaxed' AND mlip_e_above_hull_ev_per_atom IS NOT NULL`,
      [campaignId],
    );
    expect(Number(review.rows[0]!.n)).toBeGreaterThan(0);
  }, 170_000);

  it('pause -> status shows paused -> resume -> completes', async () => {
    const campaignId = `campaign-pause-${Date.now()}`;
    const handle = await h.startCampaign(
      campaignId,
      // Another system than the first test: its candidates would all be duplicates of that campaign's.
      siliconCampaign({
        chemistry: { systems: ['Al'] },
        dft: { profile: 'test', budgetPerRound: 1, budgetTotal: 1 },
      }),
    );
    await handle.signal(pauseSignal);
    const paused = await handle.query(campaignStatusQuery);
    expect(paused.paused).toBe(true);
    expect(await waitForCampaignStatus(h.db, campaignId, 'paused')).toBe('paused');
    await handle.signal(resumeSignal);
    const result = await handle.result();
    expect(result.stage).toBe('completed');
    expect(result.dftSpent).toBe(1);
  }, 170_000);
});
