/**
 * Versioned migrations: `db/migrations/NNN_name.sql`, applied in order, each in its own
 * transaction, recorded in `schema_migrations`. Safe to run concurrently and repeatedly: an
 * advisory lock serialises runners and applied versions are skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_ID = 7_142_001; // arbitrary, fixed: the advisory lock all matdisc migrators share

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

export interface MigrateResult {
  readonly applied: string[];
  readonly current: number;
}

export async function migrate(db: Database, migrations = listMigrations()): Promise<MigrateResult> {
  const applied: string[] = [];
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  for (const migration of migrations) {
    const done = await db.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
      const seen = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (seen.rowCount) return false;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(`${String(migration.version).padStart(3, '0')}_${migration.name}`);
  }
  const current = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return { applied, current: current.rows[0]?.v ?? 0 };
}
