/**
 * The reviewer's gate: one read-only statement over the review views, checked with PostgreSQL's
 * own parser (libpg_query compiled to WebAssembly), so what is checked is what the server runs.
 *
 * On the embedded PGlite every connection shares one session whose user is a superuser: a role
 * switch there is not a boundary (`RESET ROLE`, `set_config('role', …)` undo it). So the gate
 * accepts a statement only if it cannot change roles or settings, write, lock, sleep, notify or
 * run SQL text of its own; the caller then runs it in a read-only transaction as the reviewer role
 * and rolls back. On a real server the login role does the same work a second time.
 */
import { loadModule, parseSync } from 'libpg-query';

export class ReviewStatementError extends Error {
  override readonly name = 'ReviewStatementError';
}

/** What `matdisc sql` accepts, for messages. */
export const ACCEPTED_STATEMENTS = 'one SELECT, WITH … SELECT, EXPLAIN, TABLE or VALUES statement';

/**
 * Functions a reviewer's statement may not call, by name (any schema). Each either changes state
 * that outlives the statement or other connections see (settings, roles, locks, sequences, large
 * objects, notifications), reads the server's files, runs SQL text the gate has not seen, or
 * stalls the single embedded session.
 */
const REFUSED_FUNCTIONS: readonly RegExp[] = [
  /^set_config$/,
  /^setseed$/,
  /^(nextval|setval)$/,
  /^pg_(try_)?advisory/,
  /^pg_sleep/,
  /^pg_notify$/,
  /^lo_|^lo(read|write|open|close|creat|unlink)$/,
  /^pg_(read|ls|stat)_(binary_)?(file|dir|logdir|waldir|tmpdir|archive_statusdir)/,
  /^pg_file_/,
  /_to_xml(schema)?$|_to_xml_and_xmlschema$/,
  /^ts_(stat|rewrite)$/,
  /^pg_(terminate|cancel)_backend$/,
  /^pg_(reload_conf|rotate_logfile|logfile_rotate|switch_wal|promote|export_snapshot)$/,
  /^pg_(create|drop|copy)_.*(slot|origin)|^pg_replication_/,
  /^pg_(backup_start|backup_stop|wal_replay_)/,
  /^pg_stat_reset/,
  /^pg_log_backend_memory_contexts$/,
  /^(txid_current|pg_current_xact_id)$/,
  /^dblink/,
  /^pg_import_system_collations$/,
];

let loaded: Promise<void> | undefined;

/** Loads the parser once per process. */
export function loadStatementParser(): Promise<void> {
  return (loaded ??= loadModule());
}

/**
 * Checks `sql` against the reviewer's rules; throws {@link ReviewStatementError} naming what is
 * refused. `views` are the relations the reviewer may name (the review views).
 * Call {@link loadStatementParser} once before.
 */
export function checkReviewStatement(sql: string, views: ReadonlySet<string>): void {
  const refuse = (why: string): never => {
    throw new ReviewStatementError(
      `refused: ${why}. matdisc sql runs ${ACCEPTED_STATEMENTS} over the review views (${[...views].sort().join(', ')}).`,
    );
  };
  if (sql.includes('\0')) refuse('the statement contains a NUL byte');
  let parsed: { stmts?: { stmt?: Record<string, unknown> }[] };
  try {
    parsed = parseSync(sql) as typeof parsed;
  } catch (err) {
    throw new ReviewStatementError(`syntax error: ${err instanceof Error ? err.message : String(err)}`);
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length === 0) refuse('the input holds no statement');
  if (stmts.length > 1) refuse(`the input holds ${stmts.length} statements; send one per call`);
  const stmt = stmts[0]!.stmt ?? {};
  const [kind] = Object.keys(stmt);
  let query: unknown = stmt[kind!];
  if (kind === 'ExplainStmt') query = (query as { query?: Record<string, unknown> }).query?.SelectStmt;
  else if (kind !== 'SelectStmt') refuse(`${describeKind(kind)} is not a read-only query`);
  if (!query) refuse('EXPLAIN of anything but a query');

  const cteNames = new Set<string>();
  walk(stmt, (key, value) => {
    if (key === 'CommonTableExpr') cteNames.add(String((value as { ctename?: string }).ctename));
  });
  walk(query, (key, value) => {
    if (key === 'intoClause') refuse('SELECT … INTO creates a table');
    if (key === 'lockingClause') refuse('FOR UPDATE / FOR SHARE takes row locks');
    if (key.endsWith('Stmt') && key !== 'SelectStmt') refuse(`a ${describeKind(key)} inside the query`);
    if (key === 'FuncCall') {
      const parts = ((value as { funcname?: { String?: { sval?: string } }[] }).funcname ?? []).map(
        (p) => p.String?.sval ?? '',
      );
      const name = parts.at(-1)!.toLowerCase();
      if (REFUSED_FUNCTIONS.some((re) => re.test(name))) refuse(`the function ${parts.join('.')}()`);
    }
    if (key === 'RangeVar') {
      const { schemaname, relname, catalogname } = value as Record<string, string | undefined>;
      const local = !catalogname && (!schemaname || schemaname === 'public');
      if (!schemaname && relname && cteNames.has(relname)) return;
      if (!local || !relname || !views.has(relname)) {
        refuse(`the relation ${[catalogname, schemaname, relname].filter(Boolean).join('.')}`);
      }
    }
  });
}

function describeKind(kind: string | undefined): string {
  if (!kind) return 'an empty statement';
  const words = kind.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  return `${words.toUpperCase()} statement`;
}

/** Visits every object-valued property of a parse tree, depth first. */
function walk(node: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (value && typeof value === 'object') {
        visit(key, value);
        walk(value, visit);
      }
    }
  }
}
