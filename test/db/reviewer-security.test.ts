/**
 * The reviewer path is read-only by construction on both databases, while matdisc's own writers
 * keep working on the same database: every attack below goes through `matdisc sql`'s session (the
 * statement gate + a rolled-back read-only transaction as the role), and on the real server also
 * straight to a login as the role, bypassing the gate, to show the role alone refuses it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEWER_ROLE, ReviewerSession } from '../../db/reviewer-session.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

/** Statements a reviewer must never get through: each would write, escalate, read files or run programs. */
const ATTACKS: readonly string[] = [
  'RESET ROLE',
  'SET ROLE postgres',
  'SET SESSION AUTHORIZATION postgres',
  "SELECT set_config('role', 'postgres', false)",
  "SELECT pg_catalog.set_config('session_authorization', 'postgres', false)",
  "SELECT set_config('default_transaction_read_only', 'off', false)",
  'SET TRANSACTION READ WRITE',
  'SET default_transaction_read_only = off',
  'BEGIN READ WRITE',
  'COMMIT',
  "DO $$ BEGIN INSERT INTO events (kind) VALUES ('reviewer'); END $$",
  "COPY campaigns TO PROGRAM 'touch /tmp/matdisc-reviewer-escaped'",
  "COPY (SELECT 1) TO '/tmp/matdisc-reviewer-copy'",
  "COPY campaigns FROM '/etc/hostname'",
  'COPY campaigns FROM STDIN',
  'COPY candidate_review TO STDOUT',
  "SELECT pg_read_file('/etc/passwd')",
  "SELECT pg_read_binary_file('/etc/passwd')",
  "SELECT * FROM pg_ls_dir('.')",
  "SELECT lo_import('/etc/passwd')",
  'SELECT lo_create(0)',
  "SELECT lo_from_bytea(0, 'x')",
  "CREATE FUNCTION evil() RETURNS int LANGUAGE sql AS 'SELECT 1'",
  "CREATE FUNCTION pg_temp.evil() RETURNS int LANGUAGE sql AS 'SELECT 1'",
  'CREATE TEMP TABLE evil (x int)',
  'CREATE TABLE evil (x int)',
  'SELECT * INTO evil FROM candidate_review',
  'CREATE VIEW evil AS SELECT 1',
  'select 1; drop table campaigns',
  'SELECT 1; DELETE FROM campaigns',
  "INSERT INTO candidate_review (campaign_id) VALUES ('x')",
  "UPDATE candidate_review SET campaign_id = 'x'",
  'DELETE FROM candidate_review',
  "INSERT INTO campaigns (id, name) VALUES ('evil', 'evil')",
  "UPDATE campaigns SET name = 'evil'",
  'DELETE FROM campaigns',
  'TRUNCATE campaigns',
  'DROP TABLE campaigns',
  'DROP VIEW candidate_review',
  'ALTER TABLE campaigns ADD COLUMN evil int',
  'GRANT SELECT ON campaigns TO matdisc_reviewer',
  'WITH gone AS (DELETE FROM campaigns RETURNING *) SELECT * FROM gone',
  'SELECT * FROM candidate_review FOR UPDATE',
  'SELECT * FROM campaigns',
  'SELECT * FROM dft_calculations',
  'TABLE structures',
  'SELECT * FROM pg_authid',
  'SELECT rolname, rolpassword FROM pg_catalog.pg_authid',
  "SELECT query_to_xml('SELECT * FROM campaigns', true, false, '')",
  'CREATE EXTENSION IF NOT EXISTS dblink',
  'VACUUM campaigns',
  "NOTIFY matdisc, 'x'",
  'LISTEN matdisc',
  'PREPARE evil AS SELECT 1',
  'LOCK TABLE campaigns',
];

/** Refused by the gate; on the real server the role could run them, but only to its own cost. */
const GATE_ONLY: readonly string[] = [
  'SELECT pg_sleep(30)',
  'SELECT pg_advisory_lock(1)',
  "SELECT pg_notify('matdisc', 'x')",
  "ALTER ROLE matdisc_reviewer PASSWORD 'changed'",
  'SHOW ALL',
  '',
  '   ;  ',
];

const ACCEPTED: readonly string[] = [
  'SELECT count(*) AS n FROM candidate_review',
  'select campaign_id, name from campaign_summary order by 1;',
  'WITH c AS (SELECT * FROM campaign_summary) SELECT count(*) AS n FROM c',
  'EXPLAIN SELECT * FROM hull_entries',
  'EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM training_set',
  'TABLE campaign_summary',
  "VALUES (1, 'a'), (2, 'b')",
  '-- a comment\nSELECT 1 AS one /* and another */',
  'SELECT g AS n FROM generate_series(1, 3) g',
  "SELECT jsonb_build_object('n', count(*)) AS j FROM public.candidate_review",
  'SELECT current_user AS u',
];

describe.each(DATABASE_KINDS)('reviewer path on %s with writers connected', (kind) => {
  let t: TestDatabase;
  let session: ReviewerSession;
  let writes = 0;
  const writeErrors: unknown[] = [];
  let writing = true;
  let writer: Promise<void>;

  beforeAll(async () => {
    t = await openTestDatabase(kind, { migrated: true });
    await t.db.query("INSERT INTO campaigns (id, name) VALUES ('c1', 'reviewed while running')");
    // What a campaign's workers do all the time: short writes through the shared pool.
    writer = (async () => {
      while (writing) {
        try {
          await t.db.transaction(async (c) => {
            await c.query("INSERT INTO events (campaign_id, kind) VALUES ('c1', 'heartbeat')");
            await c.query("UPDATE campaigns SET updated_at = now() WHERE id = 'c1'");
          });
          writes += 1;
        } catch (err) {
          writeErrors.push(err);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    session = await ReviewerSession.open(t.url);
  });

  afterAll(async () => {
    writing = false;
    await writer;
    await session?.close();
    await t?.close();
  });

  async function assertWritersUnaffected(): Promise<void> {
    const who = await t.db.query<{ u: string; ro: string }>(
      "SELECT current_user AS u, current_setting('transaction_read_only') AS ro",
    );
    expect(who.rows[0]).toEqual({ u: 'postgres', ro: 'off' });
    await t.db.query("INSERT INTO events (campaign_id, kind) VALUES ('c1', 'after-review')");
  }

  it.each(ATTACKS.map((sql) => [sql]))(
    'refuses %j and leaves the other connections as they were',
    async (sql) => {
      await expect(session.query(sql)).rejects.toThrow();
      await assertWritersUnaffected();
    },
  );

  it.each(GATE_ONLY.map((sql) => [sql]))('the gate refuses %j with the rule it broke', async (sql) => {
    await expect(session.query(sql)).rejects.toThrow(/refused|syntax error/);
  });

  it.each(ACCEPTED.map((sql) => [sql]))('answers the read-only query %j', async (sql) => {
    const out = await session.query(sql);
    expect(out.fields.length).toBeGreaterThan(0);
  });

  it('runs every statement as the reviewer role, in a read-only transaction', async () => {
    const out = await session.query(
      "SELECT current_user AS u, current_setting('transaction_read_only') AS ro",
    );
    expect(out.rows[0]).toEqual({ u: REVIEWER_ROLE, ro: 'on' });
    expect(session.loggedInAsReviewer).toBe(kind === 'postgres');
  });

  it('messages say what is refused and what is accepted', async () => {
    await expect(session.query('RESET ROLE')).rejects.toThrow(
      /refused: VARIABLE SET statement is not a read-only query.*SELECT, WITH … SELECT, EXPLAIN, TABLE or VALUES.*candidate_review/,
    );
    await expect(session.query('select 1; drop table campaigns')).rejects.toThrow(
      /2 statements; send one per call/,
    );
    await expect(session.query('SELECT * FROM campaigns')).rejects.toThrow(/the relation campaigns/);
    await expect(session.query("SELECT set_config('role','postgres',false)")).rejects.toThrow(
      /the function set_config\(\)/,
    );
    await expect(session.query('selec 1')).rejects.toThrow(/syntax error at or near "selec"/);
  });

  it('the writers never failed and the database still holds only their rows', async () => {
    await assertWritersUnaffected();
    expect(writeErrors).toEqual([]);
    expect(writes).toBeGreaterThan(0);
    const campaigns = await t.db.query<{ id: string; name: string }>('SELECT id, name FROM campaigns');
    expect(campaigns.rows).toEqual([{ id: 'c1', name: 'reviewed while running' }]);
    const reviewerEvents = await t.db.query("SELECT 1 FROM events WHERE kind = 'reviewer'");
    expect(reviewerEvents.rowCount).toBe(0);
    const tables = await t.db.query(
      "SELECT relname FROM pg_class WHERE relname = 'evil' OR relpersistence = 't'",
    );
    expect(tables.rows).toEqual([]);
    const largeObjects = await t.db.query('SELECT count(*)::int AS n FROM pg_largeobject_metadata');
    expect(largeObjects.rows[0]!.n).toBe(0);
  });
});

describe('the reviewer role alone, logged in on the real server (no gate)', () => {
  let t: TestDatabase;
  let reviewer: pg.Client;

  async function logIn(): Promise<pg.Client> {
    const url = new URL(t.url);
    url.username = REVIEWER_ROLE;
    url.password = 'reviewer';
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    await t.db.query("INSERT INTO campaigns (id, name) VALUES ('c1', 'untouched')");
    reviewer = await logIn();
  });

  afterAll(async () => {
    await reviewer?.end();
    await t?.close();
  });

  /** After any statement the session is still the reviewer and still cannot write. */
  async function assertStillReviewer(): Promise<void> {
    await reviewer.query('ROLLBACK').catch(() => undefined);
    const who = await reviewer.query<{ s: string; u: string }>('SELECT session_user AS s, current_user AS u');
    expect(who.rows[0]).toEqual({ s: REVIEWER_ROLE, u: REVIEWER_ROLE });
    await expect(reviewer.query("INSERT INTO events (kind) VALUES ('reviewer')")).rejects.toThrow(
      /permission denied|read-only transaction/,
    );
  }

  // Statements that only touch the reviewer's own session state are not errors for the server;
  // what matters is that afterwards nothing is writable and the role has not changed.
  const SESSION_ONLY = new Set([
    'RESET ROLE',
    'SET TRANSACTION READ WRITE',
    'SET default_transaction_read_only = off',
    'BEGIN READ WRITE',
    'COMMIT',
    'VACUUM campaigns',
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    'LISTEN matdisc',
    'PREPARE evil AS SELECT 1',
    "NOTIFY matdisc, 'x'",
  ]);

  // COPY … TO STDOUT is a read (of a view the role may read); the pg client has no stream for it.
  const direct = ATTACKS.filter((sql) => sql !== 'COPY candidate_review TO STDOUT');

  it.each(direct.filter((sql) => !SESSION_ONLY.has(sql)).map((sql) => [sql]))(
    'the server refuses %j',
    async (sql) => {
      await expect(reviewer.query(sql)).rejects.toThrow();
      await assertStillReviewer();
    },
  );

  it.each([...SESSION_ONLY].map((sql) => [sql]))('%j changes nothing that matters', async (sql) => {
    await reviewer.query(sql).catch(() => undefined);
    await assertStillReviewer();
    await reviewer.query('DEALLOCATE ALL');
  });

  it('starts read-only and writes nothing even read-write', async () => {
    const fresh = await logIn();
    try {
      const ro = await fresh.query<{ ro: string }>("SELECT current_setting('transaction_read_only') AS ro");
      expect(ro.rows[0]!.ro).toBe('on');
      await fresh.query('SET default_transaction_read_only = off');
      for (const sql of [
        "UPDATE campaigns SET name = 'x'",
        'CREATE TEMP TABLE evil (x int)',
        'SELECT lo_create(0)',
      ]) {
        await expect(fresh.query(sql)).rejects.toThrow(/permission denied/);
      }
    } finally {
      await fresh.end();
    }
    const rows = await t.db.query('SELECT name FROM campaigns');
    expect(rows.rows).toEqual([{ name: 'untouched' }]);
  });
});
