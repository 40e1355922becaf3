import type { Command } from 'commander';
import { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { printResult } from '../output.js';
import { withDatabaseUrl } from '../stack/with-database.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending migrations (DATABASE_URL, else the embedded database in the data dir)')
    .option('--json', 'print {"applied":[...],"current":N}')
    .action(async (opts: { json?: boolean }) => {
      await withDatabaseUrl(async (url) => {
        const database = await Database.connect({ url });
        try {
          const result = await migrate(database);
          printResult(Boolean(opts.json), result, () =>
            result.applied.length ? `applied ${result.applied.join(', ')}; now at ${result.current}` : `up to date at ${result.current}`,
          );
        } finally {
          await database.close();
        }
      });
    });
}
