/**
 * `LocalLauncher`: runs a job as a child process of this worker with execa. stdout goes to
 * `<directory>/<stdoutFile>` and, at the same time, to the `attach` callback; stderr to its file.
 *
 * Each job starts in a session of its own (`detached: true`), so a timeout or `cancel` can kill
 * the whole tree (`mpirun` and every pw.x rank) through `killProcessTree`, and a final sweep
 * after every exit makes sure no rank outlives its job. Jobs live in memory: after a worker
 * restart `status` answers 'unknown' and `attach` throws. Output is replayed to a late `attach`
 * until one `attach` has seen the job finish; after that it is only in the stdout file.
 *
 * ```ts
 * const launcher = new LocalLauncher();
 * const id = await launcher.submit({ argv: ['pw.x', '-in', 'pw.in'], directory, stdoutFile: 'pw.out', stderrFile: 'pw.err' });
 * const exit = await launcher.attach(id, { onOutput: (text) => process.stdout.write(text) });
 * // exit = { exitCode: 0, signal: null, wallS: 3.2, timedOut: false, cancelled: false }
 * ```
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EngineSetupError } from '../errors.js';
import type { AttachOptions, JobExit, JobSpec, JobStatus, Launcher, ParallelLaunch } from '../launcher.js';
import { killProcessTree, killProcessTreeSync } from './process-tree.js';

export interface LocalLauncherOptions {
  /** MPI launch offered to engines. Default: {@link LocalLauncher.defaultParallel}. */
  readonly parallel?: ParallelLaunch;
  /** Environment added to every job. Default: OMP_NUM_THREADS=1 (ranks, not threads, share cores). */
  readonly env?: Readonly<Record<string, string>>;
  /** Time between SIGTERM and SIGKILL when killing a tree, ms. Default 3000. */
  readonly killGraceMs?: number;
}

/**
 * Root pids of running jobs of every LocalLauncher in this process. Jobs run detached (so that
 * they can be killed as a tree), which also means they would outlive the worker: when the worker
 * exits (normally, or after Temporal's graceful shutdown on SIGINT/SIGTERM) they are killed here.
 * A worker killed with SIGKILL cannot do this.
 */
const liveJobs = new Set<number>();
let exitHookInstalled = false;
function trackJob(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const root of liveJobs) killProcessTreeSync(root);
    });
  }
  liveJobs.add(pid);
}

/** How long to wait for stdout to close after the top process has exited, ms. */
const PIPE_GRACE_MS = 5000;

interface LocalJob {
  readonly pid: number;
  readonly chunks: string[];
  readonly listeners: Set<(chunk: string) => void>;
  done: Promise<JobExit> | null;
  killing: Promise<void> | null;
  cancelled: boolean;
  timedOut: boolean;
  exit: JobExit | null;
}

export class LocalLauncher implements Launcher {
  readonly kind = 'local';
  readonly parallel: ParallelLaunch;
  readonly #env: Readonly<Record<string, string>>;
  readonly #killGraceMs: number;
  readonly #jobs = new Map<string, LocalJob>();

  constructor(options: LocalLauncherOptions = {}) {
    this.parallel = options.parallel ?? LocalLauncher.defaultParallel();
    this.#env = options.env ?? { OMP_NUM_THREADS: '1' };
    this.#killGraceMs = options.killGraceMs ?? 3000;
  }

  /**
   * `mpirun --bind-to none` on every core of this host. `--bind-to none` stops two concurrent
   * jobs from pinning their ranks to the same cores; `--allow-run-as-root` is added when this
   * process is root, which Open MPI otherwise refuses.
   */
  static defaultParallel(): ParallelLaunch {
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    return {
      mpiexec: ['mpirun', ...(root ? ['--allow-run-as-root'] : []), '--bind-to', 'none'],
      ranksOption: '-np',
      slots: availableParallelism(),
    };
  }

  async submit(job: JobSpec): Promise<string> {
    const [file, ...args] = job.argv;
    if (file === undefined)
      throw new EngineSetupError('empty argv: nothing to run', { engine: null, argv: [] });
    const child = execa(file, args, {
      cwd: job.directory,
      env: { ...this.#env, ...job.env },
      detached: true, // new session: the tree can be found and killed as a whole
      stdin: 'ignore',
      stdout: ['pipe', { file: join(job.directory, job.stdoutFile) }],
      stderr: { file: join(job.directory, job.stderrFile) },
      buffer: false,
      reject: false,
      encoding: 'utf8',
    });
    const started = performance.now();
    const spawnError = await new Promise<Error | null>((resolve) => {
      child.once('spawn', () => resolve(null));
      child.once('error', (err) => resolve(err));
    });
    if (spawnError || child.pid === undefined) {
      await child; // settle the promise execa keeps
      const code = (spawnError as NodeJS.ErrnoException | null)?.code;
      const why = code === 'ENOENT' ? `'${file}' was not found on PATH` : `could not start '${file}'`;
      throw new EngineSetupError(
        `${why}: ${spawnError?.message ?? 'no pid'}`,
        { engine: null, argv: job.argv },
        { cause: spawnError },
      );
    }
    const pid = child.pid;
    const jobId = `local-${pid}-${randomUUID().slice(0, 8)}`;
    const chunks: string[] = [];
    const listeners = new Set<(chunk: string) => void>();
    const local: LocalJob = {
      pid,
      chunks,
      listeners,
      done: null,
      killing: null,
      cancelled: false,
      timedOut: false,
      exit: null,
    };
    trackJob(pid);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      chunks.push(chunk);
      for (const listener of listeners) listener(chunk);
    });

    const timer =
      job.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            local.timedOut = true;
            local.killing ??= killProcessTree(pid, this.#killGraceMs);
          }, job.timeoutMs);
    // The top process's own exit. execa's promise also waits for stdout to close, which a process
    // that escaped the tree (re-parented to init in a session of its own) could hold open forever.
    let exitedAt: number | undefined;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.once('exit', (code, sig) => {
        exitedAt = performance.now();
        resolve({ code, signal: sig });
      });
    });
    local.done = (async (): Promise<JobExit> => {
      const end = await Promise.race([
        child.then((r) => ({ code: r.exitCode ?? null, signal: r.signal ?? null })),
        exited.then(async (e) => {
          await sleep(PIPE_GRACE_MS, undefined, { ref: false });
          child.stdout?.destroy();
          return e;
        }),
      ]);
      clearTimeout(timer);
      const wallS = ((exitedAt ?? performance.now()) - started) / 1000;
      // Whatever the way out, leave nothing of the tree running (ranks orphaned by a dead mpirun).
      await (local.killing ?? Promise.resolve());
      await killProcessTree(pid, this.#killGraceMs);
      liveJobs.delete(pid);
      const exit: JobExit = {
        exitCode: end.code,
        signal: end.signal,
        wallS,
        timedOut: local.timedOut,
        cancelled: local.cancelled,
      };
      local.exit = exit;
      return exit;
    })();
    this.#jobs.set(jobId, local);
    return jobId;
  }

  async status(jobId: string): Promise<JobStatus> {
    const job = this.#jobs.get(jobId);
    if (!job) return { jobId, state: 'unknown' };
    return job.exit ? { jobId, state: 'finished', exit: job.exit } : { jobId, state: 'running' };
  }

  async cancel(jobId: string): Promise<void> {
    const job = this.#jobs.get(jobId);
    if (!job || job.exit) return;
    job.cancelled = true;
    job.killing ??= killProcessTree(job.pid, this.#killGraceMs);
    await job.killing;
    await job.done;
  }

  async attach(jobId: string, options: AttachOptions = {}): Promise<JobExit> {
    const job = this.#jobs.get(jobId);
    if (!job) {
      throw new EngineSetupError(`local job ${jobId} is unknown to this worker (it may have restarted)`, {
        engine: null,
      });
    }
    const { onOutput } = options;
    if (onOutput) {
      for (const chunk of job.chunks) onOutput(chunk); // replay what came before attaching
      job.listeners.add(onOutput);
    }
    try {
      return await job.done!;
    } finally {
      if (onOutput) job.listeners.delete(onOutput);
      if (job.exit) job.chunks.length = 0; // the output is in the stdout file from here on
    }
  }
}
