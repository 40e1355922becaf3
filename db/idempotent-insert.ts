/**
 * Inserts a row keyed by `idempotency_key` exactly once. A retried activity passes the same key
 * (derived from workflow id, activity type and item id) and gets the id of the first insert back.
 */
import type { Database } from './database.js';
import { toSqlValue } from './sql-value.js';
import type { IdempotentTables } from './tables.js';

export interface IdempotentInsertResult {
  readonly id: string;
  /** False when the row already existed: the caller is a retry. */
  readonly inserted: boolean;
}

/**
 * `table` and the keys of `row` are checked at run time too (they are spliced into the SQL): a
 * name that is not a plain identifier is refused before anything is sent.
 */
export async function insertOnce<T extends keyof IdempotentTables>(
  db: Database,
  table: T,
  row: IdempotentTables[T],
  idempotencyKey: string,
): Promise<IdempotentInsertResult> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`invalid table name '${table}'`);
  const columns = [...Object.keys(row), 'idempotency_key'];
  for (const c of columns) if (!/^[a-z_0-9]+$/.test(c)) throw new Error(`invalid column name '${c}'`);
  const values = [...Object.values(row).map(toSqlValue), idempotencyKey];
  const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::text AS id`,
    values,
  );
  if (inserted.rows[0]) return { id: inserted.rows[0].id, inserted: true };
  const existing = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM ${table} WHERE idempotency_key = $1`,
    [idempotencyKey],
  );
  if (!existing.rows[0])
    throw new Error(`idempotent insert into ${table} found neither a new nor an existing row`);
  return { id: existing.rows[0].id, inserted: false };
}
