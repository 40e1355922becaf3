/**
 * The lab worker's poller: every `intervalMs` it asks each robot about the jobs that activities of
 * this worker's plugins are waiting for, and hands the answers to the completer. It makes
 * callbacks optional (a robot without them still completes), recovers a lost callback, and keeps
 * heartbeating waits that outlive the worker that submitted them (a new worker polls what the old
 * one left). A robot that does not answer gets no heartbeat, so the workflow's progress timeout
 * notices it.
 */
import type { Database } from '../db/database.js';
import { listWaitingLabJobs } from '../db/lab-experiments.js';
import type { LabCompleter } from './lab-completer.js';
import { LabJobStatusSchema } from './lab-plugin.js';
import type { LoadedLabPlugin } from './load-lab-plugin.js';

export interface LabPollerOptions {
  readonly db: Database;
  readonly completer: LabCompleter;
  readonly plugins: readonly LoadedLabPlugin[];
  readonly intervalMs: number;
  /** A status request unanswered by then counts as no answer. */
  readonly requestTimeoutMs: number;
  readonly onError?: (experimentId: string, err: unknown) => void;
}

export function startLabPoller(options: LabPollerOptions): { stop(): Promise<void> } {
  const robots = new Map(options.plugins.map((p) => [p.name, p.robot]));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const pollOnce = async () => {
    const rows = await listWaitingLabJobs(options.db, [...robots.keys()]);
    await Promise.all(
      rows.map(async (r) => {
        try {
          const raw = await robots
            .get(r.plugin)!
            .status(r.robot_job_id, AbortSignal.timeout(options.requestTimeoutMs));
          await options.completer.apply(r.id, r.robot_job_id, LabJobStatusSchema.parse(raw));
        } catch (err) {
          options.onError?.(r.id, err);
        }
      }),
    );
  };
  const tick = () => {
    running = pollOnce()
      .catch((err: unknown) => options.onError?.('*', err))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  timer = setTimeout(tick, options.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
