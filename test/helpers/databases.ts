/**
 * Every data-layer test runs against both databases matdisc supports: the embedded PGlite (served
 * over the wire protocol like in production) and a real PostgreSQL server with pgvector.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { EmbeddedPostgres } from '../../cli/stack/embedded-postgres.js';
import { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';

export const DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export interface TestDatabase {
  readonly kind: DatabaseKind;
  readonly url: string;
  readonly db: Database;
  close(): Promise<void>;
}

/** A fresh, empty database of the given kind; `migrated` applies the migrations. */
export async function openTestDatabase(
  kind: DatabaseKind,
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (kind === 'pglite') {
    const embedded = await EmbeddedPostgres.start({ dataDir: 'memory://' });
    url = embedded.url;
    cleanup = () => embedded.stop();
  } else {
    const serverUrl = inject('postgresUrl');
    const name = `t_${randomUUID().replace(/-/g, '')}`;
    const admin = await Database.connect({ url: serverUrl, maxConnections: 1 });
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.close();
    url = serverUrl.replace(/\/postgres$/, `/${name}`);
    cleanup = async () => {
      const a = await Database.connect({ url: serverUrl, maxConnections: 1 });
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.close();
    };
  }
  const db = await Database.connect({ url, maxConnections: kind === 'pglite' ? 2 : 4 });
  if (options.migrated) await migrate(db);
  return {
    kind,
    url,
    db,
    async close() {
      await db.close();
      await cleanup();
    },
  };
}
