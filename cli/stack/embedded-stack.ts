/**
 * The whole stack on one machine: a Temporal dev server (unless `TEMPORAL_ADDRESS` is set), the
 * database (embedded PGlite unless `DATABASE_URL` is set), migrations, and workers on every queue.
 * `matdisc dev` runs it in the foreground; `matdisc demo`, a `matdisc campaign start` with no running
 * stack, and the tests use it too.
 *
 * While it runs, `<dataDir>/stack.json` names its endpoints (stack-endpoints.ts), so the other
 * commands on the same data dir go through it instead of opening the single-process PGlite and
 * Temporal SQLite files; a second stack on a data dir whose stack is live is refused.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { startWorkers, TASK_QUEUES, type RunningWorkers, type TaskQueue } from '../start-workers.js';
import { dataDir } from './data-dir.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { describeHolder, readLiveStack, writeStackDiscovery } from './stack-endpoints.js';
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
  /** Who runs the stack, for `<dataDir>/stack.json` and the messages of other commands (default "matdisc <command>"). */
  readonly holder?: string;
  /** Advertise the endpoints in `<dataDir>/stack.json` while running (default true). */
  readonly discovery?: boolean;
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
  let temporalAddress = options.temporalAddress ?? process.env.TEMPORAL_ADDRESS;
  let databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!temporalAddress || !databaseUrl) {
    const live = await readLiveStack(root);
    if (live && live.pid !== process.pid)
      throw new Error(
        `the data dir ${root} is in use by ${describeHolder(live)} (Temporal ${live.temporalAddress}, PostgreSQL ${live.databaseUrl}): ` +
          'its database and Temporal state open in one process only. Use that stack (the other matdisc commands find it through stack.json), stop it first, or pass another --data-dir',
      );
  }
  const stoppers: (() => Promise<void>)[] = [];
  let removeDiscovery: (() => void) | undefined;
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch((err: unknown) => console.error(err));
    // Last: until everything is closed, other commands must not open the files themselves.
    removeDiscovery?.();
  };
  try {
    let temporal: TemporalDevServer | undefined;
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
    if (!databaseUrl) {
      postgres = await EmbeddedPostgres.start({
        dataDir: dataDirUnder(root, 'pglite'),
        ...(options.databasePort ? { port: options.databasePort } : {}),
      });
      stoppers.push(() => postgres!.stop());
      databaseUrl = postgres.url;
    }
    if (options.discovery !== false)
      removeDiscovery = writeStackDiscovery({
        holder: options.holder ?? defaultHolder(),
        dataDir: root,
        temporalAddress,
        namespace,
        databaseUrl,
        temporalUiUrl:
          temporal && options.temporalUiPort ? `http://127.0.0.1:${options.temporalUiPort}` : undefined,
      });
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

/** "matdisc demo" when run by the CLI, else "a matdisc process". */
function defaultHolder(): string {
  const script = process.argv[1] ?? '';
  const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
  return /matdisc(\.js)?$|cli[/\\]main\.ts$/.test(script) && command
    ? `matdisc ${command}`
    : 'a matdisc process';
}

function dataDirUnder(root: string, sub: string): string {
  return join(root, sub);
}
