/**
 * The whole stack on one machine: a Temporal dev server (unless `TEMPORAL_ADDRESS` is set), the
 * database (embedded PGlite unless `DATABASE_URL` is set), migrations, and workers on every queue.
 * `matdisc dev` runs it in the foreground; `matdisc demo` and the tests use it too.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { startWorkers, TASK_QUEUES, type RunningWorkers, type TaskQueue } from '../start-workers.js';
import { dataDir } from './data-dir.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { TemporalDevServer } from './temporal-dev-server.js';

export interface EmbeddedStackOptions {
  /** State directory (default: MATDISC_DATA_DIR or .data). */
  readonly dataDir?: string;
  /** External Temporal frontend; default: process.env.TEMPORAL_ADDRESS, else a dev server. */
  readonly temporalAddress?: string;
  readonly namespace?: string;
  /** External database; default: process.env.DATABASE_URL, else embedded PGlite. */
  readonly databaseUrl?: string;
  readonly temporalPort?: number;
  readonly temporalUiPort?: number;
  readonly databasePort?: number;
  readonly queues?: readonly TaskQueue[];
  /** SSSP pseudopotentials for the DFT activities (default: PSEUDO_DIR). */
  readonly pseudoDir?: string | undefined;
  /** Start workers (default true). */
  readonly workers?: boolean;
}

export interface EmbeddedStack {
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly databaseUrl: string;
  readonly db: Database;
  readonly temporal?: TemporalDevServer;
  readonly postgres?: EmbeddedPostgres;
  readonly workers?: RunningWorkers;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  // A --data-dir that does not exist yet is created, like the default one.
  const root = options.dataDir ? resolve(options.dataDir) : dataDir();
  mkdirSync(root, { recursive: true });
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch((err: unknown) => console.error(err));
  };
  try {
    let temporal: TemporalDevServer | undefined;
    let temporalAddress = options.temporalAddress ?? process.env.TEMPORAL_ADDRESS;
    const namespace = options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';
    if (!temporalAddress) {
      temporal = await TemporalDevServer.start({
        stateDir: join(root),
        namespace,
        ...(options.temporalPort ? { port: options.temporalPort } : {}),
        ...(options.temporalUiPort ? { uiPort: options.temporalUiPort } : {}),
      });
      stoppers.push(() => temporal!.stop());
      temporalAddress = temporal.address;
    }
    let postgres: EmbeddedPostgres | undefined;
    let databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
    if (!databaseUrl) {
      postgres = await EmbeddedPostgres.start({
        dataDir: dataDirUnder(root, 'pglite'),
        ...(options.databasePort ? { port: options.databasePort } : {}),
      });
      stoppers.push(() => postgres!.stop());
      databaseUrl = postgres.url;
    }
    const db = await Database.connect({ url: databaseUrl, maxConnections: postgres ? 2 : 8 });
    stoppers.push(() => db.close());
    await migrate(db);
    let workers: RunningWorkers | undefined;
    if (options.workers !== false) {
      workers = await startWorkers({
        address: temporalAddress,
        namespace,
        queues: options.queues ?? TASK_QUEUES,
        deps: { db, workRoot: dataDirUnder(root, 'work'), pseudoDir: options.pseudoDir },
      });
      stoppers.push(() => workers!.shutdown());
    }
    return {
      temporalAddress,
      namespace,
      databaseUrl,
      db,
      temporal,
      postgres,
      workers,
      stop,
    } as EmbeddedStack;
  } catch (err) {
    await stop();
    throw err;
  }
}

function dataDirUnder(root: string, sub: string): string {
  return join(root, sub);
}
