/**
 * SQL as a reviewer: one checked read-only statement at a time over the review views, as the
 * `matdisc_reviewer` role, inside a read-only transaction that is always rolled back, so nothing a
 * statement does outlives it or reaches another connection.
 *
 * On a real server the session logs in as the role, which may select from the views and nothing
 * else (migrations 002 and 006). The embedded PGlite has no authentication and one shared
 * superuser session for every connection: there the statement gate (review-statement.ts) is what
 * keeps the reviewer read-only, and `SET LOCAL ROLE` applies the role's grants inside it.
 */
import pg from 'pg';
import { checkReviewStatement, loadStatementParser } from './review-statement.js';

export const REVIEWER_ROLE = 'matdisc_reviewer';

/** Longest a reviewer's statement may run on a real server (PGlite has no statement timeout). */
const STATEMENT_TIMEOUT_MS = 60_000;

export interface QueryOutput {
  readonly command: string;
  readonly fields: string[];
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

export class ReviewerSession {
  readonly #client: pg.Client;
  /** Relations the role may read: the review views. */
  readonly views: ReadonlySet<string>;
  /** True where the server authenticated the role itself (a real server), false on PGlite. */
  readonly loggedInAsReviewer: boolean;

  private constructor(client: pg.Client, views: ReadonlySet<string>, loggedIn: boolean) {
    this.#client = client;
    this.views = views;
    this.loggedInAsReviewer = loggedIn;
  }

  static async open(databaseUrl: string): Promise<ReviewerSession> {
    await loadStatementParser();
    const url = new URL(databaseUrl);
    url.username = REVIEWER_ROLE;
    url.password = process.env.MATDISC_REVIEWER_PASSWORD ?? 'reviewer';
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined); // a lost server rejects the next query instead
    try {
      await client.connect();
    } catch (err) {
      throw new Error(
        `cannot log in as ${REVIEWER_ROLE} at ${url.host}${url.pathname}: ${err instanceof Error ? err.message : String(err)}. ` +
          `Run 'matdisc db migrate' (it creates the role), set MATDISC_REVIEWER_PASSWORD if its password was changed, ` +
          `and let the role connect in pg_hba.conf.`,
        { cause: err },
      );
    }
    try {
      const who = await client.query<{ session_user: string }>('SELECT session_user');
      const views = await client.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND has_table_privilege($1, c.oid, 'SELECT') ORDER BY 1`,
        [REVIEWER_ROLE],
      );
      if (views.rows.length === 0) {
        throw new Error(`the database has no review views for ${REVIEWER_ROLE}: run 'matdisc db migrate'`);
      }
      return new ReviewerSession(
        client,
        new Set(views.rows.map((r) => r.relname)),
        who.rows[0]?.session_user === REVIEWER_ROLE,
      );
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  /** Runs one read-only statement; throws ReviewStatementError for anything else. */
  async query(sql: string): Promise<QueryOutput> {
    checkReviewStatement(sql, this.views);
    await this.#client.query('BEGIN READ ONLY');
    try {
      await this.#client.query(`SET LOCAL ROLE ${REVIEWER_ROLE}`);
      await this.#client.query('SET LOCAL search_path = public');
      await this.#client.query(`SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
      // The extended protocol takes exactly one statement: a second line of defence.
      const result = await this.#client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
      return {
        command: result.command,
        fields: result.fields?.map((f) => f.name) ?? [],
        rows: result.rows ?? [],
        rowCount: result.rowCount,
      };
    } finally {
      await this.#client.query('ROLLBACK').catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}
