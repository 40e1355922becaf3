/**
 * A matdisc worker in its own process, for the reliability tests to kill with SIGKILL
 * (`campaign-reliability.test.ts`, `campaign-kill.test.ts`, `campaign-slurm.test.ts`) or to keep
 * alive across server restarts (`campaign-restart.test.ts`). Serves cpu, dft and gpu on
 * TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE against DATABASE_URL; DFT jobs, local or SLURM, start
 * DFT_DELAY_S seconds late (`delayed-launcher.ts`) so the test can act while one runs. Prints
 * "ready" on stdout once polling; `spawn-worker.ts` starts it.
 *
 *   node --import tsx test/campaign/worker-process.ts
 */
import { startWorkers } from '../../cli/start-workers.js';
import { Database } from '../../db/database.js';
import { DelayedLauncher, DelayedSlurmLauncher } from './delayed-launcher.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const dftDelayS = Number(process.env.DFT_DELAY_S ?? 0);
const db = await Database.connect({ url: env('DATABASE_URL'), maxConnections: 4 });
const workers = await startWorkers({
  address: env('TEMPORAL_ADDRESS'),
  namespace: env('TEMPORAL_NAMESPACE'),
  queues: ['cpu', 'dft', 'gpu'],
  deps: {
    db,
    workRoot: env('WORK_ROOT'),
    pseudoDir: process.env.PSEUDO_DIR,
    launchers: {
      local: new DelayedLauncher(dftDelayS),
      slurm: new DelayedSlurmLauncher(dftDelayS, { pollIntervalMs: 1000 }),
    },
  },
  concurrency: { dft: 2 },
});
process.stdout.write('ready\n');
const stop = () => void workers.shutdown();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
await workers.done;
await db.close();
