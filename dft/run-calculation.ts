/**
 * `runCalculation`: one DFT calculation, with retries, on any engine and launcher.
 *
 * Each attempt gets its own directory (`<workRoot>/attempt-0`, `attempt-1`, …; an existing one
 * is emptied first, so a retried activity starts clean). After a failed attempt the engine's
 * handlers propose the next parameters (or structure); every attempt and change is returned.
 *
 * Contract (DESIGN.md "Rules that keep it durable"):
 * - scientific failures (SCF or relaxation not converged after the handlers, crashes, timeouts)
 *   return `{ status: 'failed', reason }`, never throw;
 * - bad input throws `EngineInputError` (also a cell above the size limit, `size-limit.ts`), a
 *   host that cannot run the engine `EngineSetupError` (both non-retryable), and a directory that
 *   cannot be written `WorkDirectoryError`;
 * - cancellation (`signal`) kills the running process tree and rethrows `signal.reason`.
 *
 * ```ts
 * const outcome = await runCalculation({
 *   structure: si, engine: new QeTemplate(), profile: QeProfile.named('test'),
 *   launcher: new LocalLauncher(), workRoot: '/data/dft/cand-42',
 *   onProgress: (p) => heartbeat(p),
 * });
 * // { status: 'converged', result: { energyEv: -310.56…, … }, attempts: [{ index: 0, outcome: 'converged', … }] }
 * ```
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Structure } from '../crystal/structure.js';
import type { Attempt, AttemptChange, DftResult, EngineProgress, EngineTemplate } from './engine.js';
import { CalculationFailed, EngineInputError, ScfNotConverged, WorkDirectoryError } from './errors.js';
import { runJob, type Launcher } from './launcher.js';
import { checkDftSize, maxDftSites } from './size-limit.js';

/** Default number of attempts, the first included. */
export const DEFAULT_MAX_ATTEMPTS = 4;

/** Progress of the running attempt, for heartbeats. */
export interface DftProgress extends EngineProgress {
  readonly attempt: number;
  readonly directory: string;
}

export interface RunCalculationInput<P> {
  readonly structure: Structure;
  readonly engine: EngineTemplate<P>;
  /** Parameter set of the first attempt. */
  readonly profile: P;
  readonly launcher: Launcher;
  /** Folder that receives the attempt directories; created if missing. */
  readonly workRoot: string;
  /** Aborting kills the running job and makes runCalculation throw the abort reason. */
  readonly signal?: AbortSignal;
  /** Called after each SCF iteration of each attempt. If it throws, the run is cancelled with that error. */
  readonly onProgress?: (progress: DftProgress) => void;
  /** Attempts in all, the first included. Default 4. */
  readonly maxAttempts?: number;
  /** Wall-time limit per attempt, ms. None by default. */
  readonly timeoutMs?: number;
  /** Keep the engine's scratch folders (wavefunctions, charge density). Default false. */
  readonly keepScratch?: boolean;
  /**
   * Called once a job is submitted, before waiting for it: persist `jobId` (heartbeat details,
   * the database) so a retry after a worker crash can resume instead of submitting again.
   */
  readonly onSubmitted?: (job: SubmittedJob<P>) => void | Promise<void>;
  /** Called after each finished attempt (e.g. to store the attempt history as it grows). */
  readonly onAttempt?: (attempt: Attempt<P>) => void | Promise<void>;
  /** Continue a calculation a crashed worker left: its finished attempts and its running job. */
  readonly resume?: ResumeState<P>;
  /** Most sites a cell may have. Default: `MATDISC_DFT_MAX_SITES`, else 500 (`size-limit.ts`). */
  readonly maxSites?: number;
}

/** Node's error codes of a directory that cannot be written (as opposed to a bug). */
const FILESYSTEM_ERRORS = new Set([
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'ENOTDIR',
  'EEXIST',
  'EISDIR',
  'ENAMETOOLONG',
  'ELOOP',
  'EIO',
]);

/** Runs a filesystem step of an attempt; its filesystem errors become a `WorkDirectoryError`. */
async function inWorkDir<T>(directory: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (!(err instanceof Error) || !e.code || !FILESYSTEM_ERRORS.has(e.code)) throw err;
    throw new WorkDirectoryError(
      `cannot prepare or write the work directory ${directory}: ${e.message}`,
      { directory, path: e.path ?? null, code: e.code },
      { cause: err },
    );
  }
}

/** The attempt in flight, as `onSubmitted` reports it and `resume.running` takes it back. */
export interface SubmittedJob<P> {
  readonly attempt: number;
  readonly jobId: string;
  readonly directory: string;
  readonly params: P;
  readonly structure: Structure;
  readonly change: AttemptChange | null;
  readonly resolved: Readonly<Record<string, unknown>>;
}

export interface ResumeState<P> {
  /** Attempts that finished before the crash, in order. */
  readonly history: readonly Attempt<P>[];
  /**
   * The job that was running. If the launcher still knows it (SLURM), it is re-attached, not
   * resubmitted; if not (a local job died with its worker), that attempt starts again.
   */
  readonly running?: SubmittedJob<P>;
}

export interface DftOutcome<P> {
  readonly status: 'converged' | 'failed';
  readonly reason: string;
  /** The converged result; for 'failed', the last attempt's partial result when there was one. */
  readonly result?: DftResult;
  readonly attempts: readonly Attempt<P>[];
  readonly workDirs: readonly string[];
}

export const DftOutcome = Object.freeze({
  /**
   * The result of a converged outcome; otherwise throws `ScfNotConverged` (last attempt's SCF
   * failed) or `CalculationFailed`, for callers that prefer exceptions.
   */
  unwrap<P>(outcome: DftOutcome<P>, engine: string, argv: readonly string[] = []): DftResult {
    if (outcome.status === 'converged' && outcome.result) return outcome.result;
    const last = outcome.attempts.at(-1);
    const details = { engine, argv, directory: last?.directory ?? '', exitCode: last?.exitCode ?? null };
    if (last?.outcome === 'scf_not_converged') throw new ScfNotConverged(outcome.reason, details);
    throw new CalculationFailed(outcome.reason, details);
  },
});

export async function runCalculation<P>(input: RunCalculationInput<P>): Promise<DftOutcome<P>> {
  const { engine, launcher, signal, onProgress, timeoutMs } = input;
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1))
    throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  checkDftSize(input.structure, input.maxSites ?? maxDftSites(), engine.name);
  const workRoot = resolve(input.workRoot);
  const attempts: Attempt<P>[] = [...(input.resume?.history ?? [])];
  const workDirs: string[] = attempts.map((a) => a.directory);
  let params = input.profile;
  let structure = input.structure;
  let change: AttemptChange | null = null;
  let running = input.resume?.running;
  if (attempts.length > 0 && !running) {
    // The crash came between attempts (after the last one was stored): read that attempt's
    // result back from its directory (a converged one must not come back without its energy),
    // then ask the handlers again for the next one.
    const last = attempts.at(-1)!;
    const exit = {
      exitCode: last.exitCode,
      signal: last.signal,
      wallS: last.wallS,
      timedOut: last.outcome === 'timeout',
      cancelled: false,
    };
    const { result } = await engine.assess(last.directory, exit, last.params);
    const next = await nextAttempt(input, attempts, last, structure, result ?? undefined);
    if (next.done) return next.done;
    ({ params, structure, change } = next);
  }

  for (let index = attempts.length; ; index++) {
    signal?.throwIfAborted();
    const directory = join(workRoot, `attempt-${index}`);
    let jobId: string | undefined;
    let written: { resolved: Readonly<Record<string, unknown>> };
    if (running && running.attempt === index && (await launcher.status(running.jobId)).state !== 'unknown') {
      ({ params, structure, change } = running);
      jobId = running.jobId;
      written = { resolved: running.resolved };
    } else {
      if (running?.attempt === index) ({ params, structure, change } = running);
      written = await inWorkDir(directory, async () => {
        await rm(directory, { recursive: true, force: true });
        await mkdir(directory, { recursive: true });
        return engine.writeInputs(structure, params, directory);
      });
    }
    running = undefined;
    workDirs.push(directory);
    const argv = engine.argv(params, launcher.parallel);

    // A throwing progress callback cancels the job; its error is what we rethrow.
    const local = new AbortController();
    const forward = () => local.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    const tracker = engine.createProgressTracker();
    const onOutput = (chunk: string) => {
      const progress = tracker.feed(chunk);
      if (!progress || !onProgress || local.signal.aborted) return;
      try {
        onProgress({ ...progress, attempt: index, directory });
      } catch (err) {
        local.abort(err);
      }
    };
    let exit;
    try {
      const job = {
        argv,
        directory,
        stdoutFile: engine.stdoutFile,
        stderrFile: engine.stderrFile,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      };
      const onSubmitted = async (id: string) =>
        input.onSubmitted?.({
          attempt: index,
          jobId: id,
          directory,
          params,
          structure,
          change,
          resolved: written.resolved,
        });
      // The launcher writes into the directory too (stdout file, sbatch script).
      ({ exit } = await inWorkDir(directory, () =>
        runJob(launcher, job, {
          signal: local.signal,
          onOutput,
          onSubmitted,
          ...(jobId ? { jobId } : {}),
        }),
      ));
    } finally {
      signal?.removeEventListener('abort', forward);
    }

    const assessment = await engine.assess(directory, exit, params);
    if (!input.keepScratch) {
      await inWorkDir(directory, () =>
        Promise.all(engine.scratchDirs.map((d) => rm(join(directory, d), { recursive: true, force: true }))),
      );
    }
    const attempt: Attempt<P> = {
      index,
      directory,
      params,
      resolved: written.resolved,
      change,
      outcome: assessment.outcome,
      reason: assessment.reason,
      wallS: exit.wallS,
      exitCode: exit.exitCode,
      signal: exit.signal,
    };
    attempts.push(attempt);
    await input.onAttempt?.(attempt);
    const partial = assessment.result ? { result: assessment.result } : {};

    if (assessment.outcome === 'converged') {
      return { status: 'converged', reason: assessment.reason, ...partial, attempts, workDirs };
    }
    if (assessment.outcome === 'input_error') {
      throw new EngineInputError(`${engine.name} rejected its input (${directory}): ${assessment.reason}`, {
        engine: engine.name,
        directory,
      });
    }
    const next = await nextAttempt(
      input,
      attempts,
      attempt,
      structure,
      assessment.result ?? undefined,
      workDirs,
    );
    if (next.done) return next.done;
    ({ params, structure, change } = next);
  }
}

type Next<P> =
  | {
      readonly done: DftOutcome<P>;
      readonly params?: never;
      readonly structure?: never;
      readonly change?: never;
    }
  | {
      readonly done?: never;
      readonly params: P;
      readonly structure: Structure;
      readonly change: AttemptChange | null;
    };

/** After a failed attempt: the handlers' next parameters, or the failed outcome. */
async function nextAttempt<P>(
  input: RunCalculationInput<P>,
  attempts: Attempt<P>[],
  attempt: Attempt<P>,
  structure: Structure,
  result?: DftResult,
  workDirs: string[] = attempts.map((a) => a.directory),
): Promise<Next<P>> {
  const partial = result ? { result } : {};
  if (attempt.outcome === 'converged') {
    return { done: { status: 'converged', reason: attempt.reason, ...partial, attempts, workDirs } };
  }
  if (attempts.length >= (input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
    const reason = `gave up after ${attempts.length} attempt(s): ${attempt.reason}`;
    return { done: { status: 'failed', reason, ...partial, attempts, workDirs } };
  }
  const decision = input.engine.handle({ attempt, history: attempts, result: result ?? null, structure });
  if (decision.action === 'give_up')
    return { done: { status: 'failed', reason: decision.reason, ...partial, attempts, workDirs } };
  return { params: decision.params, structure: decision.structure, change: decision.change };
}
