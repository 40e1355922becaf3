/**
 * Runs `fn` with a database URL: `DATABASE_URL` when set, else the embedded PGlite database in the
 * data dir, opened for the duration of `fn` (PGlite allows one process per data dir: stop
 * `matdisc dev` first, or point DATABASE_URL at its socket).
 */
import { join } from 'node:path';
import { dataDir } from './data-dir.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

export async function withDatabaseUrl<T>(fn: (url: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn(process.env.DATABASE_URL);
  const embedded = await EmbeddedPostgres.start({ dataDir: join(dataDir(), 'pglite') });
  try {
    return await fn(embedded.url);
  } finally {
    await embedded.stop();
  }
}
