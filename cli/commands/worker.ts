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

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run workers against TEMPORAL_ADDRESS and DATABASE_URL (a cluster, docker-compose, or `matdisc dev`)',
    )
    .option('--queues <list>', `comma-separated task queues (${TASK_QUEUES.join(', ')})`, 'cpu,dft,gpu')
    .action(async (opts: { queues: string }) => {
      const queues = parseQueues(opts.queues);
      const address = process.env.TEMPORAL_ADDRESS;
      const url = process.env.DATABASE_URL;
      if (!address)
        throw new Error('TEMPORAL_ADDRESS is not set: point it at a Temporal frontend, e.g. 127.0.0.1:7233');
      if (!url)
        throw new Error(
          'DATABASE_URL is not set: point it at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/postgres',
        );
      const { Database } = await import('../../db/database.js');
      const { dataDir } = await import('../stack/data-dir.js');
      const { startWorkers } = await import('../worker.js');
      const db = await Database.connect({ url });
      const workers = await startWorkers({
        address,
        namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
        queues,
        deps: {
          db,
          dft: (await import('../../activities/qe-dft-runner.js')).createQeDftRunner({
            pseudoDir: pseudoDir(),
          }),
          workRoot: join(dataDir(), 'work'),
          pseudoDir: pseudoDir(),
        },
      });
      log(`worker on ${address}, queues ${queues.join(', ')}; Ctrl-C stops it`);
      const stop = () => void workers.shutdown();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await workers.done;
      await db.close();
    });
}
