import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { printResult } from '../output.js';
import type { ReviewerSession } from '../../db/reviewer-session.js';

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description(
      'read-only SQL as the reviewer role: one SELECT / WITH … SELECT / EXPLAIN / TABLE / VALUES statement at a time over the views candidate_review, campaign_summary, hull_entries, training_set, lab_device_status',
    )
    .option('-c, --command <sql>', 'run one query and exit')
    .option('--json', 'with -c: print {"fields":[...],"rows":[...]}')
    .action(async (opts: { command?: string; json?: boolean }) => {
      const { ReviewerSession } = await import('../../db/reviewer-session.js');
      const { formatTable } = await import('../sql-table.js');
      const { withDatabaseUrl } = await import('../stack/with-database.js');
      await withDatabaseUrl(async (url) => {
        const session = await ReviewerSession.open(url);
        try {
          if (opts.command) {
            const out = await session.query(opts.command);
            printResult(Boolean(opts.json), { fields: out.fields, rows: out.rows }, () => formatTable(out));
            return;
          }
          await repl(session);
        } finally {
          await session.close();
        }
      });
    });
}

/** A minimal interactive loop: statements end with ';', `\q` quits. */
async function repl(session: ReviewerSession): Promise<void> {
  const { formatTable } = await import('../sql-table.js');
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'matdisc=> ' });
  process.stdout.write(
    'Read-only review session. Views: candidate_review, campaign_summary, hull_entries, training_set. \\q quits.\n',
  );
  let buffer = '';
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === '\\q') break;
    buffer += `${line}\n`;
    if (buffer.trim().endsWith(';')) {
      try {
        process.stdout.write(`${formatTable(await session.query(buffer))}\n`);
      } catch (err) {
        process.stdout.write(`ERROR: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      buffer = '';
    }
    rl.setPrompt(buffer ? 'matdisc-> ' : 'matdisc=> ');
    rl.prompt();
  }
  rl.close();
}
