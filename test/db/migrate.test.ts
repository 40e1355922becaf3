import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOnce } from '../../db/idempotent-insert.js';
import { listMigrations, migrate } from '../../db/migrate.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

describe.each(DATABASE_KINDS)('migrations and idempotent writes on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it('applies every migration once, then reports up to date', async () => {
    const first = await migrate(t.db);
    expect(first.applied).toHaveLength(listMigrations().length);
    expect(first.current).toBe(listMigrations().at(-1)!.version);
    const second = await migrate(t.db);
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(first.current);
  });

  it('has pgvector with an HNSW index that answers nearest-neighbour queries', async () => {
    const ext = await t.db.query<{ extversion: string }>(
      "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
    );
    expect(ext.rows[0]?.extversion).toMatch(/^0\.\d+\.\d+$/);
    const index = await t.db.query(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'structures_fingerprint_hnsw'",
    );
    expect(index.rows[0]?.indexdef).toContain('hnsw');
    const vec = (x: number) => `[${Array.from({ length: 128 }, (_, i) => (i === 0 ? x : 0)).join(',')}]`;
    for (const [i, x] of [0.1, 0.5, 0.9].entries()) {
      await insertOnce(
        t.db,
        'structures',
        {
          content_hash: `h${i}`,
          reduced_formula: 'Si',
          chemical_system: 'Si',
          n_sites: 1,
          species: ['Si'],
          lattice_a: [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
          frac_coords: [[0, 0, 0]],
          volume_a3: 1,
          origin: 'user',
          fingerprint: vec(x),
        },
        `vec-${i}`,
      );
    }
    const nearest = await t.db.query<{ content_hash: string }>(
      'SELECT content_hash FROM structures ORDER BY fingerprint <-> $1::vector LIMIT 1',
      [vec(0.45)],
    );
    expect(nearest.rows[0]?.content_hash).toBe('h1');
  });

  it('inserts a row once per idempotency key, however often it is retried', async () => {
    const row = { kind: 'note', payload: { a: 1 } };
    const first = await insertOnce(t.db, 'events', row, 'retry-key-1');
    const again = await insertOnce(t.db, 'events', { ...row, payload: { a: 2 } }, 'retry-key-1');
    expect(first.inserted).toBe(true);
    expect(again).toEqual({ id: first.id, inserted: false });
    const count = await t.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM events WHERE idempotency_key = 'retry-key-1'",
    );
    expect(Number(count.rows[0]?.n)).toBe(1);
    const stored = await t.db.query<{ payload: unknown }>('SELECT payload FROM events WHERE id = $1', [
      first.id,
    ]);
    expect(stored.rows[0]?.payload).toEqual({ a: 1 });
  });

  it('rejects rows that break the schema without storing anything', async () => {
    await expect(
      insertOnce(
        t.db,
        'structures',
        {
          content_hash: 'bad',
          reduced_formula: 'X',
          chemical_system: 'X',
          n_sites: 0,
          species: [],
          lattice_a: [],
          frac_coords: [],
          volume_a3: 1,
          origin: 'user',
        },
        'bad-1',
      ),
    ).rejects.toThrow(/n_sites/);
    const count = await t.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM structures WHERE idempotency_key = 'bad-1'",
    );
    expect(Number(count.rows[0]?.n)).toBe(0);
  });

  it('refuses unsafe identifiers', async () => {
    // @ts-expect-error: a name outside IdempotentTables, as an untyped caller could pass one
    await expect(insertOnce(t.db, 'events; DROP TABLE x', {}, 'k')).rejects.toThrow(/invalid table name/);
  });
});
