/**
 * Reviewing a running campaign in SQL never breaks it: on the embedded PGlite (one session shared
 * by every connection) a real campaign runs on real workers while `matdisc sql` processes read its
 * views and try to leave the reviewer role; the campaign completes with every DFT result stored.
 */
import { Client, Connection } from '@temporalio/client';
import { execa } from 'execa';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorkers, WORKFLOW_TASK_QUEUE, type RunningWorkers } from '../../cli/start-workers.js';
import { discoveryCampaign } from '../../workflows/campaign.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';

const NAMESPACE = 'campaign-review';
const MATDISC = join(import.meta.dirname, '../../bin/matdisc.js');

describe('a campaign on PGlite keeps running while matdisc sql reviews it', () => {
  let t: TestDatabase;
  let workers: RunningWorkers;
  let workRoot: string;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    t = await openTestDatabase('pglite', { migrated: true });
    workRoot = mkdtempSync(join(tmpdir(), 'matdisc-campaign-review-'));
    chmodSync(workRoot, 0o755);
    workers = await startWorkers({
      address: inject('temporalAddress'),
      namespace: NAMESPACE,
      queues: ['cpu', 'dft', 'gpu'],
      deps: { db: t.db, workRoot, pseudoDir: process.env.PSEUDO_DIR },
      concurrency: { dft: 2 },
    });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: NAMESPACE });
  });

  afterAll(async () => {
    await connection?.close();
    await workers?.shutdown();
    await t?.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  const sql = (statement: string) =>
    execa(process.execPath, [MATDISC, 'sql', '--json', '-c', statement], {
      env: { DATABASE_URL: t.url },
      reject: false,
      timeout: 60_000,
    });

  it('completes with its DFT while reviewers read and attack the shared session', async () => {
    const config = siliconCampaign();
    await seedDftReferences(t.db, config);
    const campaignId = `campaign-review-${Date.now()}`;
    const handle = await client.workflow.start(discoveryCampaign, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: campaignId,
      args: [{ campaignId, config }],
    });
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
    const dft = await t.db.query<{ status: string }>(
      'SELECT status FROM dft_calculations WHERE campaign_id = $1',
      [campaignId],
    );
    expect(dft.rows.map((r) => r.status)).toEqual(['converged', 'converged']);
    const who = await t.db.query<{ u: string; ro: string }>(
      "SELECT current_user AS u, current_setting('default_transaction_read_only') AS ro",
    );
    expect(who.rows[0]).toEqual({ u: 'postgres', ro: 'off' });
  }, 300_000);
});
