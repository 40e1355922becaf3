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
 * - bad input throws `EngineInputError`, a host that cannot run the engine `EngineSetupError`
 *   (both non-retryable);
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
import type { Structure } from '../../crystal/structure.js';
import type { Attempt, AttemptChange, DftResult, EngineProgress, EngineTemplate } from './engine.js';
import { CalculationFailed, EngineInputError, ScfNotConverged } from './errors.js';
import { runJob, type Launcher } from './launcher.js';

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
  const workRoot = resolve(input.workRoot);
  const attempts: Attempt<P>[] = [];
  const workDirs: string[] = [];
  let params = input.profile;
  let structure = input.structure;
  let change: AttemptChange | null = null;

  for (let index = 0; ; index++) {
    signal?.throwIfAborted();
    const directory = join(workRoot, `attempt-${index}`);
    await rm(directory, { recursive: true, force: true });
    await mkdir(directory, { recursive: true });
    workDirs.push(directory);
    const written = await engine.writeInputs(structure, params, directory);
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
      ({ exit } = await runJob(
        launcher,
        {
          argv,
          directory,
          stdoutFile: engine.stdoutFile,
          stderrFile: engine.stderrFile,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        },
        { signal: local.signal, onOutput },
      ));
    } finally {
      signal?.removeEventListener('abort', forward);
    }

    const assessment = await engine.assess(directory, exit, params);
    if (!input.keepScratch) {
      await Promise.all(
        engine.scratchDirs.map((d) => rm(join(directory, d), { recursive: true, force: true })),
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
    if (attempts.length >= maxAttempts) {
      const reason = `gave up after ${attempts.length} attempt(s): ${assessment.reason}`;
      return { status: 'failed', reason, ...partial, attempts, workDirs };
    }
    const decision = engine.handle({ attempt, history: attempts, result: assessment.result, structure });
    if (decision.action === 'give_up') {
      return { status: 'failed', reason: decision.reason, ...partial, attempts, workDirs };
    }
    ({ params, structure, change } = decision);
  }
}
