/** What the PostgreSQL server says about itself: its version, the extensions it offers. */
import type { Database } from './database.js';

/** `version()`: 'PostgreSQL 17.4 on …', or undefined. */
export async function serverVersion(db: Database): Promise<string | undefined> {
  return (await db.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v;
}

/** The version of pgvector the server offers, or undefined when it offers none. */
export async function vectorExtensionVersion(db: Database): Promise<string | undefined> {
  const available = await db.query<{ default_version: string }>(
    "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'",
  );
  return available.rows[0]?.default_version;
}
