/**
 * `Launcher`: how a job's argv is run on some machine (STYLE.md L6; ASE's "profile"). The engine
 * template says *what* to run (argv, files); a launcher says *where and how*: a local child
 * process (`launchers/local.ts`) or, later, a Slurm job. Its shape follows a batch scheduler
 * (DESIGN.md "Scheduler"): `submit` returns an id that can be persisted, `status` and `cancel`
 * act on it, and `attach` waits for the end while streaming stdout.
 */

/** Everything a launcher needs to run one job. Paths are absolute or relative to `directory`. */
export interface JobSpec {
  /** Program and arguments, never a shell string (ASE moved from shell=True to argv). */
  readonly argv: readonly string[];
  /** Absolute working directory; it exists and holds the input files. */
  readonly directory: string;
  /** File (in `directory`) that receives stdout, e.g. 'pw.out'. */
  readonly stdoutFile: string;
  /** File (in `directory`) that receives stderr, e.g. 'pw.err'. */
  readonly stderrFile: string;
  /** Wall-clock limit in ms; the whole process tree is killed when it passes. None when absent. */
  readonly timeoutMs?: number;
  /** Extra environment variables, added to the launcher's own. */
  readonly env?: Readonly<Record<string, string>>;
}

/** How a job ended. */
export interface JobExit {
  /** Exit status of the top process (mpirun or the binary); null when a signal ended it. */
  readonly exitCode: number | null;
  /** Name of the signal that ended the top process, e.g. 'SIGKILL'; null otherwise. */
  readonly signal: string | null;
  /** Wall time from start to exit, s. */
  readonly wallS: number;
  /** True when the launcher killed the job because `timeoutMs` passed. */
  readonly timedOut: boolean;
  /** True when the job was killed through `cancel`. */
  readonly cancelled: boolean;
}

export const JobState = {
  Queued: 'queued',
  Running: 'running',
  Finished: 'finished',
  /** The launcher has no record of the id (e.g. a local job from before a worker restart). */
  Unknown: 'unknown',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

export interface JobStatus {
  readonly jobId: string;
  readonly state: JobState;
  /** Present once `state` is 'finished'. */
  readonly exit?: JobExit;
}

export interface AttachOptions {
  /** Receives stdout text as it is produced (decoded UTF-8, arbitrary chunk boundaries). */
  readonly onOutput?: (chunk: string) => void;
}

/**
 * Parallel launch prefix a launcher offers to engines: `argv(params, launch)` turns it into
 * e.g. `['mpirun', '--allow-run-as-root', '--bind-to', 'none', '-np', '2', 'pw.x', '-in', 'pw.in']`.
 */
export interface ParallelLaunch {
  /** MPI starter with its fixed options, e.g. ['mpirun', '--bind-to', 'none']; null: none available. */
  readonly mpiexec: readonly string[] | null;
  /** Option that precedes the rank count: '-np' for mpirun, '-n' for srun. */
  readonly ranksOption: string;
  /** Cores one job may use; an engine's `mpiRanks: 'auto'` resolves to this. */
  readonly slots: number;
  /** Binary per engine name when not the default on PATH, e.g. { qe: '/opt/qe/bin/pw.x' }. */
  readonly binaries?: Readonly<Record<string, string>>;
}

export interface Launcher {
  /** 'local', 'slurm', … (stored with each attempt). */
  readonly kind: string;
  /** What MPI launch looks like on this launcher's machines. */
  readonly parallel: ParallelLaunch;
  /** Starts (or queues) a job and returns its id; throws `EngineSetupError` if it cannot start. */
  submit(job: JobSpec): Promise<string>;
  status(jobId: string): Promise<JobStatus>;
  /** Kills the job and its whole process tree; resolves once nothing of it is left running. */
  cancel(jobId: string): Promise<void>;
  /** Waits for the job to finish, streaming its stdout to `onOutput`. */
  attach(jobId: string, options?: AttachOptions): Promise<JobExit>;
}

/**
 * Submits a job and waits for it. When `signal` aborts, the job is cancelled (its process tree
 * killed) and, once it has ended, the signal's reason is thrown: cancellation is always rethrown
 * (STYLE.md W3, E6).
 */
export async function runJob(
  launcher: Launcher,
  job: JobSpec,
  options: {
    readonly signal?: AbortSignal;
    readonly onOutput?: (chunk: string) => void;
    /** Called with the id right after submission (persist it to re-attach after a crash). */
    readonly onSubmitted?: (jobId: string) => void | Promise<void>;
    /** A job submitted earlier (by a crashed worker): attach to it instead of submitting. */
    readonly jobId?: string;
  } = {},
): Promise<{ jobId: string; exit: JobExit }> {
  const { signal, onOutput } = options;
  signal?.throwIfAborted();
  const jobId = options.jobId ?? (await launcher.submit(job));
  if (!options.jobId) {
    try {
      await options.onSubmitted?.(jobId);
    } catch (err) {
      await launcher.cancel(jobId);
      throw err;
    }
  }
  let cancelling: Promise<void> | undefined;
  const onAbort = () => {
    cancelling = launcher.cancel(jobId);
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await launcher.attach(jobId, onOutput ? { onOutput } : {});
    await cancelling;
    signal?.throwIfAborted();
    return { jobId, exit };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
