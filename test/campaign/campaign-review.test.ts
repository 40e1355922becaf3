/**
 * Reviewing a running campaign in SQL never breaks it: on the embedded PGlite (one session shared
 * by every connection) a real campaign runs on real workers while `matdisc sql` processes read its
 * views and try to leave the reviewer role; the campaign completes with every DFT result stored.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalHarness, type TemporalHarness } from '../helpers/temporal-harness.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';

const MATDISC = join(import.meta.dirname, '../../bin/matdisc.js');

describe('a campaign on PGlite keeps running while matdisc sql reviews it', () => {
  let h: TemporalHarness;

  beforeAll(async () => {
    h = await startTemporalHarness({
      namespace: 'campaign-review',
      database: 'pglite',
      queues: ['cpu', 'dft', 'gpu'],
      concurrency: { dft: 2 },
    });
  });

  afterAll(() => h?.stop());

  const sql = (statement: string) =>
    execa(process.execPath, [MATDISC, 'sql', '--json', '-c', statement], {
      env: { DATABASE_URL: h.url },
      reject: false,
      timeout: 60_000,
    });

  it('completes with its DFT while reviewers read and attack the shared session', async () => {
    const config = siliconCampaign();
    await seedDftReferences(h.db, config);
    const campaignId = `campaign-review-${Date.now()}`;
    const handle = await h.startCampaign(campaignId, config);
    let done = false;
    const result = handle.result().finally(() => (done = true));
    const attacks = [
      'RESET ROLE',
      "SELECT set_config('role','postgres',false)",
      'SET TRANSACTION READ WRITE',
    ];
    let reads = 0;
    let refusals = 0;
    while (!done) {
      const read = await sql(
        `SELECT count(*)::int AS n FROM candidate_review WHERE campaign_id = '${campaignId}'`,
      );
      expect(read.exitCode, read.stderr).toBe(0);
      expect(JSON.parse(read.stdout).fields).toEqual(['n']);
      reads += 1;
      const attack = await sql(attacks[refusals % attacks.length]!);
      expect(attack.exitCode).not.toBe(0);
      expect(attack.stderr).toMatch(/refused/);
      refusals += 1;
    }
    const outcome = await result;
    expect(outcome.stage).toBe('completed');
    expect(outcome.dftSpent).toBe(2);
    expect(reads).toBeGreaterThan(0);
    const dft = await h.db.query<{ status: string }>(
      'SELECT status FROM dft_calculations WHERE campaign_id = $1',
      [campaignId],
    );
    expect(dft.rows.map((r) => r.status)).toEqual(['converged', 'converged']);
    const who = await h.db.query<{ u: string; ro: string }>(
      "SELECT current_user AS u, current_setting('default_transaction_read_only') AS ro",
    );
    expect(who.rows[0]).toEqual({ u: 'postgres', ro: 'off' });
  }, 300_000);
});
