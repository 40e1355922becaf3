/** Doctor's database probe: DATABASE_URL when set, else a throwaway in-memory PGlite. */
import { Database } from '../db/database.js';
import { serverVersion, vectorExtensionVersion } from '../db/server-info.js';
import { EmbeddedPostgres } from './stack/embedded-postgres.js';

export async function probeDatabase(): Promise<{ ok: boolean; version: string | null; detail: string }> {
  const external = process.env.DATABASE_URL;
  const embedded = external ? undefined : await EmbeddedPostgres.start({ dataDir: 'memory://' });
  try {
    const db = await Database.connect({ url: external ?? embedded!.url, maxConnections: 1 });
    try {
      const full = (await serverVersion(db)) ?? '';
      const version = /PostgreSQL (\S+)/.exec(full)?.[1] ?? null;
      const vector = await vectorExtensionVersion(db);
      return {
        ok: vector !== undefined,
        version,
        detail: `${external ? 'DATABASE_URL' : 'embedded PGlite'}; pgvector ${vector ?? 'NOT available'}`,
      };
    } finally {
      await db.close();
    }
  } finally {
    await embedded?.stop();
  }
}
