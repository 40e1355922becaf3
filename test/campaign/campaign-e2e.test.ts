/**
 * A tiny discovery campaign on real components: the Temporal dev server, PostgreSQL with pgvector
 * and pw.x (test profile). One round of 6 Si candidates (prototype generator, Morse fixture
 * committee; see fixtures.ts), DFT budget 2.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorkers, WORKFLOW_TASK_QUEUE, type RunningWorkers } from '../../cli/start-workers.js';
import { discoveryCampaign } from '../../workflows/campaign.js';
import { campaignStatusQuery, pauseSignal, resumeSignal } from '../../workflows/campaign-messages.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { siliconCampaign } from './fixtures.js';

describe('discovery campaign end to end', () => {
  let t: TestDatabase;
  let workers: RunningWorkers;
  let workRoot: string;
  let client: Client;
  let connection: Connection;
  const namespace = 'campaign-e2e';

  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    workRoot = mkdtempSync(join(tmpdir(), 'matdisc-campaign-'));
    chmodSync(workRoot, 0o755);
    workers = await startWorkers({
      address: inject('temporalAddress'),
      namespace,
      queues: ['cpu', 'dft', 'gpu'],
      deps: { db: t.db, workRoot, pseudoDir: process.env.PSEUDO_DIR },
      concurrency: { dft: 2 },
    });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace });
  });

  afterAll(async () => {
    await connection?.close();
    await workers?.shutdown();
    await t?.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  it('runs one round: DFT exactly once per selected candidate, summary stored and in campaign_summary', async () => {
    const campaignId = `campaign-si-${Date.now()}`;
    const result = await client.workflow.execute(discoveryCampaign, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: campaignId,
      args: [{ campaignId, config: siliconCampaign() }],
    });
    expect(result.stage).toBe('completed');
    expect(result.dftSpent).toBe(2);
    const dft = await t.db.query<{ structure_id: string; n: string; status: string }>(
      `SELECT structure_id::text, count(*) AS n, min(status) AS status FROM dft_calculations
        WHERE campaign_id = $1 GROUP BY structure_id`,
      [campaignId],
    );
    expect(dft.rows).toHaveLength(2);
    for (const r of dft.rows) expect(Number(r.n)).toBe(1);
    const round = await t.db.query<{ summary: Record<string, unknown>; finished_at: Date | null }>(
      'SELECT summary, finished_at FROM rounds WHERE campaign_id = $1',
      [campaignId],
    );
    expect(round.rows).toHaveLength(1);
    expect(round.rows[0]!.finished_at).not.toBeNull();
    expect(round.rows[0]!.summary).toMatchObject({ requested: 6, generated: 6, dftRun: 2 });
    const view = await t.db.query('SELECT * FROM campaign_summary WHERE campaign_id = $1', [campaignId]);
    expect(view.rows[0]).toMatchObject({ status: 'completed', rounds: '1', generated: '6', dft_total: '2' });
    const review = await t.db.query(
      `SELECT count(*) AS n FROM candidate_review WHERE campaign_id = $1 AND origin = 'relaxed' AND mlip_e_above_hull_ev_per_atom IS NOT NULL`,
      [campaignId],
    );
    expect(Number(review.rows[0]!.n)).toBeGreaterThan(0);
  }, 170_000);

  it('pause -> status shows paused -> resume -> completes', async () => {
    const campaignId = `campaign-pause-${Date.now()}`;
    const handle = await client.workflow.start(discoveryCampaign, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: campaignId,
      // Another system than the first test: its candidates would all be duplicates of that campaign's.
      args: [
        {
          campaignId,
          config: siliconCampaign({
            chemistry: { systems: ['Al'] },
            dft: { profile: 'test', budgetPerRound: 1, budgetTotal: 1 },
          }),
        },
      ],
    });
    await handle.signal(pauseSignal);
    const paused = await handle.query(campaignStatusQuery);
    expect(paused.paused).toBe(true);
    for (let i = 0; i < 100; i++) {
      const row = await t.db.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [
        campaignId,
      ]);
      if (row.rows[0]?.status === 'paused') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const row = await t.db.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [
      campaignId,
    ]);
    expect(row.rows[0]?.status).toBe('paused');
    await handle.signal(resumeSignal);
    const result = await handle.result();
    expect(result.stage).toBe('completed');
    expect(result.dftSpent).toBe(1);
  }, 170_000);
});
