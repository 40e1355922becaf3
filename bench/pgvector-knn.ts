/**
 * Benchmark: the pgvector pre-filter of deduplication. For 10^4 and 10^5 stored fingerprints
 * (128-d, `structures.fingerprint`, HNSW index with vector_l2_ops), on the embedded PGlite and on
 * the real PostgreSQL server:
 *   - ingest rate (rows/s, batched multi-row INSERTs, index built while inserting),
 *   - k-NN latency p50/p95 for k = 10 through the HNSW index,
 *   - the same for an exact scan (index scans off) — the reference, measured in the same run,
 *   - recall@10 of HNSW against the exact answer, at ef_search 40 (pgvector's default) and 160.
 * Fingerprints are synthetic: a Gaussian mixture (clusters ~ polymorph families) in 128
 * dimensions, non-negative like RDF features.
 *
 *   npx tsx bench/pgvector-knn.ts [--sizes 10000,100000] [--queries 200] [--db pglite|postgres|both]
 */
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../cli/stack/embedded-postgres.js';
import { PostgresServer } from '../cli/stack/postgres-server.js';
import { Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';

const DIM = 128;
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const sizes = (args.get('--sizes') ?? '10000,100000').split(',').map(Number);
const nQueries = Number(args.get('--queries') ?? 200);
const which = args.get('--db') ?? 'both';

/** Deterministic PRNG (mulberry32) and a normal deviate. */
function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function makeVectors(n: number, seed: number): number[][] {
  const r = rng(seed);
  const centres = Array.from({ length: Math.max(10, Math.floor(n / 20)) }, () =>
    Array.from({ length: DIM }, () => Math.abs(r.normal())),
  );
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(r.uniform() * centres.length)]!;
    return c.map((x) => Math.max(0, x + 0.15 * r.normal()));
  });
}

const toSql = (v: number[]) => `[${v.map((x) => x.toFixed(5)).join(',')}]`;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function ingest(db: Database, vectors: number[][]): Promise<number> {
  const t0 = performance.now();
  const batch = 500;
  for (let i = 0; i < vectors.length; i += batch) {
    const chunk = vectors.slice(i, i + batch);
    const values: unknown[] = [];
    const tuples = chunk.map((v, j) => {
      values.push(`bench-${i + j}`, toSql(v));
      const k = values.length;
      return `($${k - 1}, 'X', 'X', 1, '{X}', '[]', '[]', 1, 'reference', $${k}::vector)`;
    });
    await db.query(
      `INSERT INTO structures (content_hash, reduced_formula, chemical_system, n_sites, species, lattice_a, frac_coords, volume_a3, origin, fingerprint)
       VALUES ${tuples.join(',')}`,
      values,
    );
  }
  return vectors.length / ((performance.now() - t0) / 1000);
}

async function knn(
  db: Database,
  query: number[],
  exact: boolean,
  efSearch = 40,
): Promise<{ ids: string[]; ms: number }> {
  const client = await db.pool.connect();
  try {
    await client.query(exact ? 'SET enable_indexscan = off' : 'SET enable_indexscan = on');
    await client.query(`SET hnsw.ef_search = ${efSearch}`);
    const t0 = performance.now();
    const res = await client.query<{ id: string }>(
      'SELECT id::text AS id FROM structures ORDER BY fingerprint <-> $1::vector LIMIT 10',
      [toSql(query)],
    );
    return { ids: res.rows.map((r) => r.id), ms: performance.now() - t0 };
  } finally {
    await client.query('RESET enable_indexscan');
    client.release();
  }
}

async function benchOne(kind: string, url: string, n: number) {
  const db = await Database.connect({ url, maxConnections: 1 });
  await migrate(db);
  await db.query('TRUNCATE structures CASCADE');
  const vectors = makeVectors(n, 42);
  const ingestRate = await ingest(db, vectors);
  const queries = makeVectors(nQueries, 7);
  const hnsw: number[] = [];
  const hnswWide: number[] = [];
  const exact: number[] = [];
  let recall = 0;
  let recallWide = 0;
  for (const q of queries) {
    const a = await knn(db, q, false);
    const w = await knn(db, q, false, 160);
    const b = await knn(db, q, true);
    hnsw.push(a.ms);
    hnswWide.push(w.ms);
    exact.push(b.ms);
    recall += a.ids.filter((id) => b.ids.includes(id)).length / 10;
    recallWide += w.ids.filter((id) => b.ids.includes(id)).length / 10;
  }
  await db.close();
  const row = {
    db: kind,
    n,
    ingest_rows_per_s: Math.round(ingestRate),
    hnsw_p50_ms: +percentile(hnsw, 50).toFixed(2),
    hnsw_p95_ms: +percentile(hnsw, 95).toFixed(2),
    exact_p50_ms: +percentile(exact, 50).toFixed(2),
    exact_p95_ms: +percentile(exact, 95).toFixed(2),
    speedup_p50: +(percentile(exact, 50) / percentile(hnsw, 50)).toFixed(1),
    recall_at_10: +(recall / queries.length).toFixed(3),
    hnsw_ef160_p50_ms: +percentile(hnswWide, 50).toFixed(2),
    recall_at_10_ef160: +(recallWide / queries.length).toFixed(3),
  };
  console.log(JSON.stringify(row));
  return row;
}

const rows = [];
const root = mkdtempSync(join(tmpdir(), 'matdisc-bench-'));
chmodSync(root, 0o755);
try {
  if (which === 'both' || which === 'postgres') {
    const server = await PostgresServer.start({ dataDir: join(root, 'pg') });
    try {
      for (const n of sizes) rows.push(await benchOne('postgres', server.url, n));
    } finally {
      await server.stop();
    }
  }
  if (which === 'both' || which === 'pglite') {
    for (const n of sizes) {
      const embedded = await EmbeddedPostgres.start({ dataDir: 'memory://' });
      try {
        rows.push(await benchOne('pglite', embedded.url, n));
      } finally {
        await embedded.stop();
      }
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.table(rows);
