import type { Command } from 'commander';
import { printResult } from '../output.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending migrations (DATABASE_URL, else the embedded database in the data dir)')
    .option('--json', 'print {"applied":[...],"current":N}')
    .action(async (opts: { json?: boolean }) => {
      const { Database } = await import('../../db/database.js');
      const { migrate } = await import('../../db/migrate.js');
      const { withDatabaseUrl } = await import('../stack/with-database.js');
      await withDatabaseUrl(async (url) => {
        const database = await Database.connect({ url });
        try {
          const result = await migrate(database);
          printResult(Boolean(opts.json), result, () =>
            result.applied.length
              ? `applied ${result.applied.join(', ')}; now at ${result.current}`
              : `up to date at ${result.current}`,
          );
        } finally {
          await database.close();
        }
      });
    });

  db.command('import-reference <file>')
    .description(
      'import known phases (MP-20-style CSV[.gz] with a cif column, CIF, or extended XYZ) as hull references',
    )
    .option('--source <name>', 'where the phases come from (default: the file name)')
    .option(
      '--level-of-theory <name>',
      'phases share a hull only within one level of theory (default: the source)',
    )
    .option(
      '--json',
      'print {"read","imported","already_present","rejected":[{"line","externalId","reason"}]}',
    )
    .action(async (file: string, opts: { source?: string; levelOfTheory?: string; json?: boolean }) => {
      // The same checks and source name as `campaign start --import-reference` (cli/reference-phases.ts).
      const { checkReferenceFile, referenceSourceName } = await import('../reference-phases.js');
      const source = opts.source ?? referenceSourceName(file);
      // A missing file or a directory is reported before any database is opened.
      await checkReferenceFile(file);
      const { Database } = await import('../../db/database.js');
      const { migrate } = await import('../../db/migrate.js');
      const { importReference } = await import('../../db/import-reference.js');
      const { withDatabaseUrl } = await import('../stack/with-database.js');
      await withDatabaseUrl(async (url) => {
        const database = await Database.connect({ url });
        try {
          await migrate(database);
          const report = await importReference(database, file, {
            source,
            ...(opts.levelOfTheory ? { levelOfTheory: opts.levelOfTheory } : {}),
          });
          printResult(Boolean(opts.json), report, () =>
            [
              `${file}: read ${report.read}, imported ${report.imported}, already present ${report.already_present}, rejected ${report.rejected.length} (${report.wall_s.toFixed(1)} s)`,
              ...report.rejected
                .slice(0, 20)
                .map((r) => `  line ${r.line}${r.externalId ? ` (${r.externalId})` : ''}: ${r.reason}`),
              ...(report.rejected.length > 20
                ? [`  … ${report.rejected.length - 20} more (use --json)`]
                : []),
            ].join('\n'),
          );
        } finally {
          await database.close();
        }
      });
    });
}
