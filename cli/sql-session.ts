/**
 * SQL as a reviewer: every statement runs as the `matdisc_reviewer` role, which may read the
 * review views (candidate_review, campaign_summary, hull_entries, training_set) and nothing else.
 *
 * On a real server the session logs in as that role. The embedded PGlite has no authentication
 * (it is a single local user's database), so there the session switches with SET ROLE and
 * read-only transactions; a real server is what enforces review rights against other people.
 */
import pg from 'pg';

export const REVIEWER_ROLE = 'matdisc_reviewer';

export interface QueryOutput {
  readonly command: string;
  readonly fields: string[];
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

export class ReviewerSession {
  readonly #client: pg.Client;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async open(databaseUrl: string): Promise<ReviewerSession> {
    const url = new URL(databaseUrl);
    url.username = REVIEWER_ROLE;
    url.password = process.env.MATDISC_REVIEWER_PASSWORD ?? 'reviewer';
    let client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
    } catch {
      // A server that does not let the role log in from here (pg_hba): fall back to SET ROLE.
      client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
    }
    await client.query(`SET ROLE ${REVIEWER_ROLE}`);
    await client.query('SET default_transaction_read_only = on');
    return new ReviewerSession(client);
  }

  async query(sql: string): Promise<QueryOutput> {
    const result = await this.#client.query(sql);
    const last = Array.isArray(result) ? (result.at(-1) as pg.QueryResult) : result;
    return {
      command: last.command,
      fields: last.fields?.map((f) => f.name) ?? [],
      rows: last.rows ?? [],
      rowCount: last.rowCount,
    };
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}

/** Renders rows as an aligned text table, psql style. */
export function formatTable(output: QueryOutput): string {
  if (output.fields.length === 0) return output.command;
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = output.fields.map((f) =>
    Math.max(f.length, ...output.rows.map((r) => Math.min(cell(r[f]).length, 60))),
  );
  const line = (values: string[]) => values.map((v, i) => v.slice(0, 60).padEnd(widths[i]!)).join(' | ');
  return [
    line(output.fields),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...output.rows.map((r) => line(output.fields.map((f) => cell(r[f])))),
    `(${output.rows.length} row${output.rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}
