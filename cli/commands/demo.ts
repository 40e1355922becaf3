import type { Command } from 'commander';
import { pseudoDir } from '../paths.js';
import { log, printResult } from '../output.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run a small campaign on the embedded stack and print how to review it in SQL (for now: the walking skeleton)',
    )
    .option('--data-dir <dir>', 'state directory (default: MATDISC_DATA_DIR or .data)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      const { Client, Connection } = await import('@temporalio/client');
      const { helloCampaign } = await import('../../workflows/hello.js');
      const { dataDir } = await import('../stack/data-dir.js');
      const { startEmbeddedStack } = await import('../stack/embedded-stack.js');
      const { WORKFLOW_TASK_QUEUE } = await import('../worker.js');
      const started = Date.now();
      log('starting the embedded stack (Temporal dev server, PGlite+pgvector, workers)…');
      const stack = await startEmbeddedStack({
        pseudoDir: pseudoDir(),
        dataDir: opts.dataDir ?? dataDir(),
        dft: (await import('../../activities/qe-dft-runner.js')).createQeDftRunner({
          pseudoDir: pseudoDir(),
        }),
      });
      try {
        const connection = await Connection.connect({ address: stack.temporalAddress });
        const client = new Client({ connection, namespace: stack.namespace });
        const campaignId = `hello-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        log(`campaign ${campaignId}: recording it, running a pw.x SCF of bulk Si…`);
        const result = await client.workflow.execute(helloCampaign, {
          taskQueue: WORKFLOW_TASK_QUEUE,
          workflowId: campaignId,
          args: [{ campaignId }],
        });
        await connection.close();
        const row = await stack.db.query(
          `SELECT c.id AS campaign_id, c.status AS campaign_status, d.status AS dft_status,
                  d.energy_ev, d.energy_per_atom_ev, d.wall_s
             FROM campaigns c JOIN dft_calculations d ON d.campaign_id = c.id WHERE c.id = $1`,
          [campaignId],
        );
        const summary = { ...result, row: row.rows[0], wall_s: (Date.now() - started) / 1000 };
        printResult(Boolean(opts.json), summary, () =>
          [
            `campaign ${campaignId}: ${row.rows[0]?.campaign_status}; DFT ${row.rows[0]?.dft_status}, E = ${Number(row.rows[0]?.energy_ev).toFixed(5)} eV (${Number(row.rows[0]?.energy_per_atom_ev).toFixed(5)} eV/atom), pw.x ${Number(row.rows[0]?.wall_s).toFixed(1)} s`,
            `total ${summary.wall_s.toFixed(1)} s. Review it (read-only, as the reviewer role):`,
            `  npx matdisc sql -c "SELECT * FROM campaign_summary WHERE campaign_id = '${campaignId}'"`,
          ].join('\n'),
        );
      } finally {
        await stack.stop();
      }
    });
}
