import type { Command } from 'commander';
import { pseudoDir } from '../paths.js';
import { log } from '../output.js';
import { join } from 'node:path';
import { TASK_QUEUES, type TaskQueue } from '../task-queues.js';

function parseQueues(text: string): TaskQueue[] {
  const queues = text
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  for (const q of queues) {
    if (!(TASK_QUEUES as readonly string[]).includes(q))
      throw new Error(`--queues: unknown queue '${q}'; choose from ${TASK_QUEUES.join(', ')}`);
  }
  return queues as TaskQueue[];
}

interface WorkerCommandOptions {
  readonly queues: string;
  readonly plugin: string[];
  readonly pluginSettings?: string;
  readonly labCallbackPort?: string;
  readonly labCallbackUrl?: string;
  readonly labPollMs: string;
  readonly dataDir?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

async function labOptions(opts: WorkerCommandOptions) {
  const { loadLabPlugins } = await import('../../lab/load-lab-plugin.js');
  const plugins = await loadLabPlugins(opts.plugin, opts.pluginSettings);
  const port = opts.labCallbackPort === undefined ? undefined : Number(opts.labCallbackPort);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
    throw new Error(`--lab-callback-port: expected a port number, got ${opts.labCallbackPort}`);
  const pollIntervalMs = Number(opts.labPollMs);
  if (!(pollIntervalMs >= 10))
    throw new Error(`--lab-poll-ms: expected milliseconds ≥ 10, got ${opts.labPollMs}`);
  log(`lab plugins: ${plugins.map((p) => p.name).join(', ')}`);
  return {
    plugins,
    pollIntervalMs,
    ...(port !== undefined ? { callback: { port, publicUrl: opts.labCallbackUrl } } : {}),
  };
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run workers against TEMPORAL_ADDRESS and DATABASE_URL (a cluster, docker-compose), else against the running stack of the data dir (`matdisc dev`)',
    )
    .option('--queues <list>', `comma-separated task queues (${TASK_QUEUES.join(', ')})`, 'cpu,dft,gpu')
    .option('--plugin <path>', 'lab robot plugin module, with --queues lab (repeatable)', collect, [])
    .option('--plugin-settings <file>', 'YAML/JSON map of plugin name to its settings')
    .option('--lab-callback-port <port>', 'listen for robot callbacks on this port (default: poll only)')
    .option('--lab-callback-url <url>', 'base URL robots reach the callback receiver at')
    .option('--lab-poll-ms <ms>', 'how often running lab jobs are polled', '60000')
    .option(
      '--data-dir <dir>',
      'data dir whose running stack (`matdisc dev`) to join when TEMPORAL_ADDRESS / DATABASE_URL are not set; DFT work dirs go to <data dir>/work (default: MATDISC_DATA_DIR or .data)',
    )
    .action(async (opts: WorkerCommandOptions) => {
      const queues = parseQueues(opts.queues);
      if (opts.plugin.length > 0 && !queues.includes('lab'))
        throw new Error('--plugin: add lab to --queues (e.g. --queues lab --plugin PATH)');
      if (queues.includes('lab') && opts.plugin.length === 0)
        throw new Error('--queues lab: name the robot plugin with --plugin PATH (see lab/README.md)');
      const { describeHolder, noStackHint, resolveStackEndpoints } =
        await import('../stack/stack-endpoints.js');
      const ep = await resolveStackEndpoints({ dataDir: opts.dataDir });
      if (!ep.temporal || !ep.database) {
        const missing = [!ep.temporal && 'TEMPORAL_ADDRESS', !ep.database && 'DATABASE_URL'].filter(Boolean);
        throw new Error(
          `no ${ep.temporal ? 'database' : ep.database ? 'Temporal server' : 'Temporal server or database'} for the workers: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set and no stack is running for ${ep.dataDir}; ${noStackHint(ep.dataDir)}`,
        );
      }
      if (ep.stack) log(`joining ${describeHolder(ep.stack)}, the running stack of ${ep.dataDir}`);
      const { address, namespace } = ep.temporal;
      const url = ep.database.url;
      const { Database } = await import('../../db/database.js');
      const { startWorkers } = await import('../start-workers.js');
      const db = await Database.connect({ url });
      const lab = queues.includes('lab') ? await labOptions(opts) : undefined;
      const workers = await startWorkers({
        address,
        namespace,
        queues,
        deps: {
          db,
          workRoot: join(ep.dataDir, 'work'),
          pseudoDir: pseudoDir(),
        },
        ...(lab ? { lab } : {}),
      });
      log(`worker on ${address}, queues ${queues.join(', ')}; Ctrl-C stops it`);
      const stop = () => void workers.shutdown();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await workers.done;
      await db.close();
    });
}
