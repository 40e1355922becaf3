/**
 * Runs `fn` with a database URL: `DATABASE_URL` when set, else the database of the data dir's
 * running stack (`matdisc dev`, found through `<dataDir>/stack.json`, stack-endpoints.ts), else
 * the embedded PGlite database in the data dir, opened for the duration of `fn` (PGlite allows
 * one process per data dir, which is why a running stack is always asked first).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { resolveStackEndpoints, type StackDiscovery, type StackEndpoints } from './stack-endpoints.js';

export interface DatabaseSource {
  /** 'env': DATABASE_URL; 'stack': the running stack of the data dir; 'embedded': opened here. */
  readonly kind: 'env' | 'stack' | 'embedded';
  readonly dataDir: string;
  readonly stack?: StackDiscovery | undefined;
}

export interface WithDatabaseOptions {
  /** Data dir (default: MATDISC_DATA_DIR or .data). */
  readonly dataDir?: string | undefined;
  /** Endpoints the caller resolved already. */
  readonly endpoints?: StackEndpoints;
}

export async function withDatabaseUrl<T>(
  fn: (url: string, source: DatabaseSource) => Promise<T>,
  options: WithDatabaseOptions = {},
): Promise<T> {
  const endpoints = options.endpoints ?? (await resolveStackEndpoints({ dataDir: options.dataDir }));
  const { database, dataDir } = endpoints;
  if (database)
    return fn(database.url, {
      kind: database.source,
      dataDir,
      ...(database.source === 'stack' ? { stack: endpoints.stack } : {}),
    });
  // The data dir is created on first use, as `dataDir()` always did.
  mkdirSync(dataDir, { recursive: true });
  const embedded = await EmbeddedPostgres.start({ dataDir: join(dataDir, 'pglite') });
  try {
    return await fn(embedded.url, { kind: 'embedded', dataDir });
  } finally {
    await embedded.stop();
  }
}

/**
 * {@link withDatabaseUrl} with the connection made and closed around `fn`: one connection, as a
 * CLI command that reads and exits needs (the running stack's PGlite serves one session).
 */
export async function withDatabase<T>(
  fn: (db: import('../../db/database.js').Database, source: DatabaseSource) => Promise<T>,
  options: WithDatabaseOptions = {},
): Promise<T> {
  const { Database } = await import('../../db/database.js');
  return withDatabaseUrl(async (url, source) => {
    const db = await Database.connect({ url, maxConnections: 1 });
    try {
      return await fn(db, source);
    } finally {
      await db.close();
    }
  }, options);
}
