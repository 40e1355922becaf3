/**
 * The one way matdisc code reaches PostgreSQL: a `pg` pool on a connection URL, whether the URL
 * points at the embedded PGlite socket server or at a real server (`DATABASE_URL`).
 * Vectors travel as pgvector's text form (`pgvector.toSql` / `pgvector.fromSql` from 'pgvector').
 */
import pg from 'pg';

export interface DatabaseConfig {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** Pool size. PGlite serves one connection at a time, so a large pool buys nothing there. */
  readonly maxConnections?: number;
}

export class Database {
  readonly pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  static async connect(config: DatabaseConfig): Promise<Database> {
    const pool = new pg.Pool({ connectionString: config.url, max: config.maxConnections ?? 4 });
    pool.on('error', () => undefined); // an idle client lost with a restarted server is replaced on next use
    const db = new Database(pool);
    await db.query('SELECT 1');
    return db;
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values);
  }

  /**
   * Runs `fn` in one transaction; rolls back and rethrows on error. A connection lost meanwhile
   * (server restarted or killed) rejects the transaction's next query; it must not crash the
   * process: a checked-out `pg` client emits 'error' when its socket dies, and an 'error' event
   * without a listener is an uncaught exception. The dead client leaves the pool.
   */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (err: Error) => (lost ??= err);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      if (!lost) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(lost);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The database URL from the environment, or undefined for the embedded default. */
export function databaseUrlFromEnv(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}
