import type { Command } from 'commander';
import { pseudoDir } from '../paths.js';
import { log } from '../output.js';

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description(
      'run the embedded stack in the foreground: Temporal dev server, PGlite+pgvector, workers; Ctrl-C stops it',
    )
    .option('--data-dir <dir>', 'state directory (default: MATDISC_DATA_DIR or .data)')
    .option('--temporal-port <port>', 'Temporal gRPC port', '7233')
    .option('--ui-port <port>', 'Temporal Web UI port', '8233')
    .option('--db-port <port>', 'PostgreSQL wire-protocol port of the embedded database', '5432')
    .action(async (opts: { dataDir?: string; temporalPort: string; uiPort: string; dbPort: string }) => {
      const { dataDir } = await import('../stack/data-dir.js');
      const { startEmbeddedStack } = await import('../stack/embedded-stack.js');
      const stack = await startEmbeddedStack({
        pseudoDir: pseudoDir(),
        dataDir: opts.dataDir ?? dataDir(),
        temporalPort: Number(opts.temporalPort),
        temporalUiPort: Number(opts.uiPort),
        databasePort: Number(opts.dbPort),
      });
      log(
        `Temporal      ${stack.temporalAddress} (namespace ${stack.namespace})${stack.temporal ? `, UI http://127.0.0.1:${opts.uiPort}` : ''}`,
      );
      log(`PostgreSQL    ${stack.databaseUrl}`);
      log(
        'Workers       queues cpu, dft, gpu (lab: matdisc worker --queues lab --plugin PATH). Ctrl-C stops everything.',
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      log('stopping…');
      await stack.stop();
    });
}
