/**
 * What a lab worker runs besides its Temporal worker: a client for async completion, the
 * completer, the callback receiver (when a port is given) and the poller; and the loaded
 * plugins' activities for the worker to register.
 */
import { AsyncCompletionClient, Connection } from '@temporalio/client';
import type { Database } from '../db/database.js';
import { startLabCallbackServer, type LabCallbackServer } from '../lab/lab-callback-server.js';
import { LabCompleter } from '../lab/lab-completer.js';
import { startLabPoller } from '../lab/lab-poller.js';
import type { LoadedLabPlugin } from '../lab/load-lab-plugin.js';
import { createRobotActivities } from '../activities/lab/robot-activities.js';

export interface LabWorkerOptions {
  readonly plugins: readonly LoadedLabPlugin[];
  /** Listen for robot callbacks; without it, jobs are only polled. */
  readonly callback?: {
    readonly port: number;
    readonly host?: string | undefined;
    readonly publicUrl?: string | undefined;
  };
  /** How often running jobs are polled, ms (default 60 000; keep it below `lab.timeouts.progress`). */
  readonly pollIntervalMs?: number | undefined;
}

export interface LabRuntime {
  readonly activities: Record<string, (...args: never[]) => Promise<unknown>>;
  readonly callbackUrl: string | null;
  close(): Promise<void>;
}

export async function startLabRuntime(options: {
  readonly db: Database;
  readonly address: string;
  readonly namespace: string;
  readonly lab: LabWorkerOptions;
}): Promise<LabRuntime> {
  const { db, lab } = options;
  const connection = await Connection.connect({ address: options.address });
  const completer = new LabCompleter(
    db,
    new AsyncCompletionClient({ connection, namespace: options.namespace }),
  );
  let server: LabCallbackServer | undefined;
  if (lab.callback)
    server = await startLabCallbackServer({ db, completer, plugins: lab.plugins, ...lab.callback });
  const base = server?.url;
  const activities = Object.assign(
    {},
    ...lab.plugins.map((plugin) =>
      createRobotActivities({
        db,
        plugin,
        completer,
        callbackUrlFor: (id) => (base ? `${base}/lab/experiments/${id}/callback` : null),
      }),
    ),
  ) as LabRuntime['activities'];
  const intervalMs = lab.pollIntervalMs ?? 60_000;
  const reported = new Set<string>();
  const poller = startLabPoller({
    db,
    completer,
    plugins: lab.plugins,
    intervalMs,
    requestTimeoutMs: Math.max(1000, intervalMs),
    onError: (id, err) => {
      const line = `lab poller: experiment ${id}: ${(err as Error).message}`;
      if (!reported.has(line)) process.stderr.write(`${line}\n`);
      reported.add(line);
    },
  });
  return {
    activities,
    callbackUrl: base ?? null,
    async close() {
      await poller.stop();
      await server?.close();
      for (const p of lab.plugins) await p.robot.close?.();
      await connection.close();
    },
  };
}
