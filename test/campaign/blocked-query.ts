/**
 * Catching a worker inside a database write, deterministically: the test holds a lock from a
 * connection of its own (an uncommitted row with the idempotency key the worker is about to
 * insert, or `SELECT … FOR UPDATE` on the row it is about to update), the worker's statement
 * waits on it, and {@link waitForBlockedQuery} sees it waiting in `pg_stat_activity`. Then the
 * test kills the worker (or restarts the server) with the write in flight.
 */
import pg from 'pg';
import type { Database } from '../../db/database.js';

/** A connection that holds locks for a test; it may die with a restarted server. */
export async function lockHolder(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // killed with the server in the restart test
  await client.connect();
  return client;
}

/** Polls until a backend of this database waits on a lock in a statement starting with `prefix`. */
export async function waitForBlockedQuery(
  db: Database,
  prefix: string,
  timeoutMs = 120_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1 || '%'`,
      [prefix],
    );
    if (r.rows[0]) return r.rows[0].pid;
    if (Date.now() > deadline)
      throw new Error(`no statement '${prefix}…' waited on a lock in ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Polls until backend `pid` has gone (its statement ran or was aborted and its client is dead). */
export async function waitForBackendGone(db: Database, pid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length > 0) {
    if (Date.now() > deadline) throw new Error(`backend ${pid} still there after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Polls `probe` every 100 ms until it returns a value that is not undefined. */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
