/**
 * `matdisc dev`: the embedded stack of a data dir in the foreground (cli/stack/embedded-stack.ts).
 * While it runs, `<dataDir>/stack.json` names its endpoints, so `campaign`, `sql`, `report`, `db`
 * and `hull` on the same data dir go through it (cli/stack/stack-endpoints.ts); the file goes away
 * when it stops.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { pseudoDir } from '../paths.js';
import { log } from '../output.js';

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description(
      'run the embedded stack in the foreground: Temporal dev server, PGlite+pgvector, workers; the other commands on the data dir use it (stack.json); Ctrl-C stops it',
    )
    .option('--data-dir <dir>', 'state directory (default: MATDISC_DATA_DIR or .data)')
    .option('--temporal-port <port>', 'Temporal gRPC port', '7233')
    .option('--ui-port <port>', 'Temporal Web UI port', '8233')
    .option('--db-port <port>', 'PostgreSQL wire-protocol port of the embedded database', '5432')
    .action(async (opts: { dataDir?: string; temporalPort: string; uiPort: string; dbPort: string }) => {
      const { dataDir } = await import('../stack/data-dir.js');
      const { startEmbeddedStack } = await import('../stack/embedded-stack.js');
      const { discoveryPath } = await import('../stack/stack-endpoints.js');
      const root = opts.dataDir ?? dataDir();
      // Registered before the stack starts, so a Ctrl-C during the start still stops it cleanly.
      const stopRequested = new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      const stack = await startEmbeddedStack({
        pseudoDir: pseudoDir(),
        dataDir: root,
        temporalPort: Number(opts.temporalPort),
        temporalUiPort: Number(opts.uiPort),
        databasePort: Number(opts.dbPort),
        holder: 'matdisc dev',
      });
      log(
        `Temporal      ${stack.temporalAddress} (namespace ${stack.namespace})${stack.temporal ? `, UI http://127.0.0.1:${opts.uiPort}` : ''}`,
      );
      log(`PostgreSQL    ${stack.databaseUrl}`);
      log('Workers       queues cpu, dft, gpu (lab: matdisc worker --queues lab --plugin PATH)');
      log(
        `Data dir      ${resolve(root)} (${discoveryPath(resolve(root))} lets the other matdisc commands use this stack). Ctrl-C stops everything.`,
      );
      await stopRequested;
      log('stopping…');
      await stack.stop();
    });
}
