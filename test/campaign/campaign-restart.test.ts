/**
 * The services restart under a running campaign: this file starts its own Temporal dev server
 * (SQLite state file) and its own PostgreSQL server, each restarted on the same port with the
 * same state, so the shared ones of the suite stay up. The worker runs in a child process and
 * must survive both restarts: the Temporal connection comes back by itself, and a query that
 * dies with the database is a retryable activity failure, never an uncaught 'error' event.
 *
 * Order in the campaign (DFT budget 1; the job sleeps 12 s before pw.x): while the DFT job runs,
 * the Temporal server is stopped and started again; then, with the worker's UPDATE that stores
 * the finished attempt waiting on a row lock of the test, PostgreSQL is restarted ('immediate',
 * like a crash), so that write fails in flight. The activity's retry on the same worker
 * re-attaches to the finished local job and stores its result; the campaign completes.
 */
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../cli/stack/free-port.js';
import { PostgresServer } from '../../cli/stack/postgres-server.js';
import { TemporalDevServer } from '../../cli/stack/temporal-dev-server.js';
import { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { dftCandidateWorkflowId } from '../../workflows/dft-candidate.js';
import { campaignStatus, startCampaign, waitForSubmittedDft } from '../helpers/temporal-harness.js';
import { lockHolder, waitForBlockedQuery } from './blocked-query.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';
import { isAlive, startWorkerProcess, stopWorkerProcesses } from './spawn-worker.js';

const NAMESPACE = 'campaign-restart';

describe('campaign survives restarts of the Temporal server and of PostgreSQL', () => {
  let root: string;
  let temporal: TemporalDevServer;
  let temporalPort: number;
  let postgres: PostgresServer;
  let postgresPort: number;
  let db: Database;
  let connection: Connection;
  let client: Client;
  const children: ChildProcess[] = [];

  const startTemporal = () =>
    TemporalDevServer.start({ stateDir: join(root, 'temporal'), port: temporalPort, namespace: NAMESPACE });
  const startPostgres = () => PostgresServer.start({ dataDir: join(root, 'postgres'), port: postgresPort });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'matdisc-campaign-restart-'));
    chmodSync(root, 0o755); // the PostgreSQL server runs as `postgres` when we are root
    mkdirSync(join(root, 'temporal'));
    mkdirSync(join(root, 'work'));
    temporalPort = await freePort();
    do postgresPort = await freePort();
    while (postgresPort === temporalPort);
    [temporal, postgres] = await Promise.all([startTemporal(), startPostgres()]);
    db = await Database.connect({ url: postgres.url });
    await migrate(db);
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: NAMESPACE });
  });

  afterAll(async () => {
    await stopWorkerProcesses(children);
    await connection?.close();
    await db?.close().catch(() => undefined);
    await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('a transaction open when the database dies rejects; the process does not crash', async () => {
    let inTransaction!: () => void;
    const entered = new Promise<void>((r) => (inTransaction = r));
    const transaction = db.transaction(async (c) => {
      await c.query('SELECT 1');
      inTransaction();
      await sleep(3000); // the server dies meanwhile: the idle, checked-out client emits 'error'
      await c.query('SELECT 2');
    });
    transaction.catch(() => undefined); // asserted below
    await entered;
    await postgres.stop('immediate');
    await expect(transaction).rejects.toThrow();
    postgres = await startPostgres();
    expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
  }, 60_000);

  it('Temporal restarted while DFT runs, PostgreSQL restarted inside the DFT result write: completes', async () => {
    const started = Date.now();
    const mark = (what: string) =>
      console.log(`restart: ${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);
    const worker = await startWorkerProcess(
      {
        temporalAddress: temporal.address,
        namespace: NAMESPACE,
        databaseUrl: postgres.url,
        workRoot: join(root, 'work'),
        dftDelayS: 12,
      },
      children,
    );
    mark('worker ready');
    const campaignId = `campaign-restart-${Date.now()}`;
    const config = siliconCampaign({
      candidatesPerRound: 4,
      dft: { profile: 'test', budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 1 },
    });
    await seedDftReferences(db, config);
    const handle = await startCampaign(client, campaignId, config);
    const dft = await waitForSubmittedDft(db, campaignId);
    mark('DFT job submitted');
    const holder = await lockHolder(postgres.url);
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM dft_calculations WHERE id = $1 FOR UPDATE', [dft.id]);

    await temporal.stop();
    mark('Temporal stopped');
    await sleep(3000);
    temporal = await startTemporal();
    mark('Temporal started again');

    await waitForBlockedQuery(db, 'UPDATE dft_calculations SET attempts');
    mark('worker blocked in the DFT attempt UPDATE');
    await postgres.stop('immediate');
    mark('PostgreSQL stopped');
    await holder.end().catch(() => undefined);
    postgres = await startPostgres();
    mark('PostgreSQL started again');

    const result = await handle.result();
    mark('campaign done');
    expect(isAlive(worker), 'the worker survived both restarts').toBe(true);
    expect(result).toMatchObject({ stage: 'completed', dftSpent: 1 });
    expect(result.counts).toMatchObject({ generated: 4, dftConverged: 1, dftFailed: 0 });

    const calcs = await db.query<{ status: string; energy_per_atom_ev: number | null; attempts: unknown[] }>(
      'SELECT status, energy_per_atom_ev, attempts FROM dft_calculations WHERE campaign_id = $1',
      [campaignId],
    );
    expect(calcs.rows).toHaveLength(1);
    expect(calcs.rows[0]!.status).toBe('converged');
    expect(calcs.rows[0]!.energy_per_atom_ev).toBeLessThan(-100);
    expect(calcs.rows[0]!.attempts).toHaveLength(1); // the finished job was re-attached, not run again
    // The write that died with the database failed the activity, and Temporal retried it.
    const structureId = (
      await db.query<{ structure_id: string }>(
        'SELECT structure_id::text FROM dft_calculations WHERE id = $1',
        [dft.id],
      )
    ).rows[0]!.structure_id;
    const child = await client.workflow
      .getHandle(dftCandidateWorkflowId(campaignId, structureId))
      .fetchHistory();
    const activity = child.events!.find(
      (e) => e.activityTaskStartedEventAttributes,
    )!.activityTaskStartedEventAttributes!;
    console.log(`restart: DFT activity attempt ${activity.attempt}, after: ${activity.lastFailure?.message}`);
    expect(activity.attempt).toBeGreaterThanOrEqual(2);
    expect(activity.lastFailure?.message).toMatch(/terminat|ECONNREFUSED|shut ?down/i);
    const generated = await db.query<{ n: number }>(
      `SELECT count(DISTINCT idempotency_key)::int AS n, count(*)::int AS rows FROM structures
        WHERE campaign_id = $1 AND origin = 'generated'`,
      [campaignId],
    );
    expect(generated.rows[0]).toEqual({ n: 4, rows: 4 });
    expect(await campaignStatus(db, campaignId)).toBe('completed');
  }, 300_000);
});
