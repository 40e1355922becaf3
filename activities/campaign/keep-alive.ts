/**
 * Keep-alive heartbeats for the campaign activities. The workflow gives every cpu and gpu activity
 * a heartbeat timeout of a minute, so a worker killed in the middle of one (SIGKILL, a lost host)
 * is noticed after a minute and the activity retried on another worker — not after its
 * start-to-close timeout (30 minutes on cpu, 6 hours on gpu). These activities are short steps
 * with no job to re-attach to, so a heartbeat every {@link KEEP_ALIVE_INTERVAL_MS} while the
 * function runs (also while it waits on the database) is all the liveness they need; progress
 * heartbeats of their own (sampler, FIRE steps) still go out, and the retry re-reads whatever the
 * dead attempt stored under its idempotency keys.
 */
import { Context } from '@temporalio/activity';

/** Heartbeat period of a running campaign activity, ms (the workflow's timeout is 1 minute). */
export const KEEP_ALIVE_INTERVAL_MS = 10_000;

type AsyncFunction = (...args: never[]) => Promise<unknown>;

/** `fn`, heartbeating every {@link KEEP_ALIVE_INTERVAL_MS} while it runs inside an activity. */
export function withKeepAlive<F extends AsyncFunction>(fn: F): F {
  const wrapped = async (...args: Parameters<F>) => {
    let ctx: Context | undefined;
    try {
      ctx = Context.current();
    } catch {
      ctx = undefined; // called outside an activity (a script, a unit test): nothing to keep alive
    }
    const ticker = ctx ? setInterval(() => ctx.heartbeat(), KEEP_ALIVE_INTERVAL_MS) : undefined;
    try {
      return await fn(...args);
    } finally {
      clearInterval(ticker);
    }
  };
  return wrapped as F;
}

/** Every function of `activities` wrapped by {@link withKeepAlive}. */
export function keepAlive<T extends Record<string, AsyncFunction>>(activities: T): T {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [name, withKeepAlive(fn)])) as T;
}
