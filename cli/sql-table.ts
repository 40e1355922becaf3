/** `matdisc sql`'s text output: rows as an aligned table, psql style. */
import type { QueryOutput } from '../db/reviewer-session.js';

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
