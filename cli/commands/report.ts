import type { Command } from 'commander';
import { printResult } from '../output.js';

export function registerReport(program: Command): void {
  program
    .command('report <campaign-id>')
    .description(
      'write a self-contained HTML report of a campaign (hull, MLIP vs DFT, per-round KPIs, candidates with a 3D viewer) and its CIF files',
    )
    .requiredOption('--out <dir>', 'directory for index.html and cifs/ (created if missing)')
    .option('--json', 'print {"campaign_id","index","candidates","rounds","cifs","html_kb"}')
    .action(async (campaignId: string, opts: { out: string; json?: boolean }) => {
      const { Database } = await import('../../db/database.js');
      const { writeReport } = await import('../report/write-report.js');
      const { withDatabaseUrl } = await import('../stack/with-database.js');
      await withDatabaseUrl(async (url) => {
        const db = await Database.connect({ url, maxConnections: 1 });
        try {
          const report = await writeReport(db, campaignId, opts.out);
          printResult(
            Boolean(opts.json),
            report,
            () =>
              `${report.index} (${report.html_kb} kB): ${report.rounds} rounds, ${report.candidates} candidates, CIFs in ${report.index.replace(/index\.html$/, 'cifs/')}`,
          );
        } finally {
          await db.close();
        }
      });
    });
}
