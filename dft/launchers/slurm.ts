/**
 * `SlurmLauncher`: runs a job through a SLURM batch system. `submit` writes `slurm-job.sbatch` into
 * the job directory and hands it to `sbatch --parsable`; the SLURM job id it returns is the whole
 * state, so any worker can `status`, `cancel` or `attach` to it later.
 *
 * State is what the scheduler says, never a memory of this process: `squeue` for live jobs, then
 * `sacct` (slurmdbd accounting) once a job has left the queue, with `scontrol show job` as a
 * stand-in while accounting lags behind the controller. `unknown` means neither knows the id.
 *
 * Re-attaching after a worker crash (DESIGN.md "Scheduler": SLURM ids are persisted and carried in
 * heartbeat details): `attach(id)` needs nothing but the id. It finds the job directory from
 * `squeue -o %Z` (live) or `sacct -o WorkDir` (finished), reads the `--output` path back from the
 * script it wrote there, and tails that file from its start, so a re-attached caller sees the
 * whole output. `scontrol`'s StdOut is not used: it keeps `%`-patterns unexpanded and is gone
 * `MinJobAge` seconds after the end. Hence the rule: one job per directory (a second submit into
 * the same directory replaces the script the first one's `attach` reads).
 *
 * ```ts
 * const launcher = new SlurmLauncher({ partition: 'debug', parallel: { mpiexec: ['mpirun', '--bind-to', 'none'], ranksOption: '-np', slots: 2 } });
 * const id = await launcher.submit({ argv: ['mpirun', '--bind-to', 'none', '-np', '2', 'pw.x', '-in', 'pw.in'], directory, stdoutFile: 'pw.out', stderrFile: 'pw.err', timeoutMs: 3_600_000 });
 * // id = '4711'; the script asks for --ntasks=2 (read from the argv) and --time=1:00:00
 * const exit = await new SlurmLauncher().attach(id, { onOutput: (text) => process.stdout.write(text) });
 * // exit = { exitCode: 0, signal: null, wallS: 42, timedOut: false, cancelled: false, slurmState: 'COMPLETED' }
 * ```
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineSetupError } from '../errors.js';
import { FileTail } from './file-tail.js';
import type { AttachOptions, JobSpec, JobStatus, Launcher, ParallelLaunch } from '../launcher.js';
import { commandFailed, runSlurmCommand, SlurmCommandError, TRANSIENT_FAILURE } from './slurm-command.js';
import type { SlurmCommandResult } from './slurm-command.js';
import { SlurmLauncherConfig } from './slurm-config.js';
import type { ResolvedSlurmConfig } from './slurm-config.js';
import { renderSbatchScript, SBATCH_SCRIPT_NAME, stdoutPathFromScript } from './slurm-script.js';
import { liveJobState, parseSacct, parseScontrolJob, slurmJobExit } from './slurm-state.js';
import type { SlurmJobExit, SlurmRecord } from './slurm-state.js';

export { SlurmLauncherConfig } from './slurm-config.js';
export type { SlurmJobExit } from './slurm-state.js';
export { SlurmCommandError } from './slurm-command.js';

/** `JobStatus` with SLURM's own state name ('PENDING', 'COMPLETING', 'TIMEOUT', …) when known. */
export interface SlurmJobStatus extends JobStatus {
  readonly slurmState?: string;
  readonly exit?: SlurmJobExit;
}

/** Time between two looks at accounting while it catches up, ms. */
const LAG_POLL_MS = 500;
/** SLURM job ids we act on: plain numbers (no arrays, no het jobs). Guards every command line. */
const JOB_ID = /^\d+$/;

export class SlurmLauncher implements Launcher {
  readonly kind = 'slurm';
  readonly parallel: ParallelLaunch;
  readonly #config: ResolvedSlurmConfig;

  /** Throws `EngineSetupError` when `config` is invalid (see {@link SlurmLauncherConfig}). */
  constructor(config: SlurmLauncherConfig = {}) {
    this.#config = SlurmLauncherConfig.parse(config);
    this.parallel = this.#config.parallel ?? SlurmLauncher.defaultParallel();
  }

  /**
   * `mpirun --bind-to none -np N` inside the allocation, 1 slot. Open MPI takes its host list and
   * slot count from the SLURM environment, so N must not exceed the job's tasks, which
   * {@link ntasksFor} guarantees. `--allow-run-as-root` when this process is root: jobs run as
   * the submitting user.
   */
  static defaultParallel(): ParallelLaunch {
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    return {
      mpiexec: ['mpirun', ...(root ? ['--allow-run-as-root'] : []), '--bind-to', 'none'],
      ranksOption: '-np',
      slots: 1,
    };
  }

  /**
   * Tasks to request for an argv: N when it starts with this launcher's MPI starter and has
   * `ranksOption N` (the engines build `[...mpiexec, ranksOption, N, binary, …]`), else 1.
   */
  ntasksFor(argv: readonly string[]): number {
    const { mpiexec, ranksOption } = this.parallel;
    if (!mpiexec?.length || argv[0] !== mpiexec[0]) return 1;
    const at = argv.indexOf(ranksOption);
    const ranks = at >= 0 ? Number(argv[at + 1]) : Number.NaN;
    return Number.isInteger(ranks) && ranks >= 1 ? ranks : 1;
  }

  /** The SLURM job name of a job directory: `<jobNamePrefix>-<basename>`, e.g. 'matdisc-si-attempt-1'. */
  jobName(directory: string): string {
    return `${this.#config.jobNamePrefix}-${basename(directory).replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(
      0,
      200,
    );
  }

  async submit(job: JobSpec): Promise<string> {
    if (job.argv.length === 0)
      throw new EngineSetupError('empty argv: nothing to run', { engine: null, argv: [] });
    if (!isAbsolute(job.directory)) {
      throw new EngineSetupError(`job directory must be absolute, got '${job.directory}'`, {
        engine: null,
        argv: job.argv,
      });
    }
    for (const name of Object.keys(job.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new EngineSetupError(`'${name}' is not an environment variable name`, {
          engine: null,
          argv: job.argv,
        });
      }
    }
    const { partition, account, qos, directives } = this.#config;
    let script: string;
    try {
      script = renderSbatchScript({
        jobName: this.jobName(job.directory),
        directory: job.directory,
        stdoutFile: job.stdoutFile,
        stderrFile: job.stderrFile,
        ntasks: this.ntasksFor(job.argv),
        timeoutMs: job.timeoutMs,
        directives: [
          ...(partition ? [`--partition=${partition}`] : []),
          ...(account ? [`--account=${account}`] : []),
          ...(qos ? [`--qos=${qos}`] : []),
          ...directives,
        ],
        env: { ...this.#config.env, ...job.env },
        argv: job.argv,
      });
    } catch (err) {
      throw new EngineSetupError(
        `cannot write a batch script: ${(err as Error).message}`,
        { engine: null, argv: job.argv },
        { cause: err },
      );
    }
    const scriptPath = join(job.directory, SBATCH_SCRIPT_NAME);
    await writeFile(scriptPath, script, { mode: 0o644 });
    const args = ['--parsable', scriptPath];
    const result = await this.#run('sbatch', args, job.directory);
    if (result.exitCode !== 0) {
      if (TRANSIENT_FAILURE.test(result.stderr)) commandFailed('sbatch', args, result);
      // The cluster refused this job (bad partition, account, limits): retrying will not help.
      throw new EngineSetupError(`sbatch refused the job in ${job.directory}: ${result.stderr.trim()}`, {
        engine: null,
        argv: job.argv,
      });
    }
    // --parsable prints "id" or "id;cluster".
    const jobId = result.stdout.trim().split(';')[0] ?? '';
    if (!JOB_ID.test(jobId))
      commandFailed('sbatch', args, { ...result, stderr: `unexpected output '${result.stdout.trim()}'` });
    return jobId;
  }

  async status(jobId: string): Promise<SlurmJobStatus> {
    checkJobId(jobId);
    const live = await this.#queueState(jobId);
    const liveState = live === null ? null : liveJobState(live);
    if (live !== null && liveState !== null) return { jobId, state: liveState, slurmState: live };

    // The job has left the queue (or is in a final state there): ask accounting how it ended.
    const deadline = Date.now() + this.#config.accountingLagMs;
    for (;;) {
      const { accounting, controller, accountingError } = await this.#finalRecords(jobId);
      if (accounting && liveJobState(accounting.state) === null) return finished(jobId, accounting);
      if (!accounting && !controller && live === null) {
        if (accountingError) throw accountingError; // cannot tell "unknown" from "accounting down"
        return { jobId, state: 'unknown' };
      }
      // Accounting has not caught up with the controller yet; scontrol's word will do if that lasts.
      const fallback = controller && liveJobState(controller.state) === null ? controller : null;
      if (fallback && accountingError) return finished(jobId, fallback);
      if (Date.now() >= deadline) {
        if (fallback) return finished(jobId, fallback);
        const state = accounting ?? controller;
        if (state) return { jobId, state: liveJobState(state.state) ?? 'running', slurmState: state.state };
        if (accountingError) throw accountingError;
        return { jobId, state: 'unknown', ...(live ? { slurmState: live } : {}) };
      }
      await sleep(LAG_POLL_MS);
    }
  }

  /** `scancel`, then waits until the job has left squeue (past COMPLETING); no-op if it has ended. */
  async cancel(jobId: string): Promise<void> {
    checkJobId(jobId);
    const result = await this.#run('scancel', [jobId]);
    if (result.exitCode !== 0 && !/already completing or completed|Invalid job id/i.test(result.stderr)) {
      commandFailed('scancel', [jobId], result);
    }
    const deadline = Date.now() + this.#config.cancelTimeoutMs;
    const interval = Math.min(this.#config.pollIntervalMs, LAG_POLL_MS);
    for (;;) {
      const live = await this.#queueState(jobId);
      if (live === null || liveJobState(live) === null) return;
      if (Date.now() >= deadline) {
        throw new SlurmCommandError(
          `job ${jobId} is still ${live} ${this.#config.cancelTimeoutMs} ms after scancel`,
          {
            command: ['scancel', jobId],
            exitCode: result.exitCode,
            stderr: result.stderr,
          },
        );
      }
      await sleep(interval);
    }
  }

  /**
   * Polls until the job has finished, streaming its stdout file from the start to `onOutput`.
   * Stateless given the id (see the module doc), so it serves a re-attach after a crash. Throws
   * `EngineSetupError` when neither squeue nor sacct knows the id.
   */
  async attach(jobId: string, options: AttachOptions = {}): Promise<SlurmJobExit> {
    checkJobId(jobId);
    const tail = options.onOutput ? new FileTail(options.onOutput) : null;
    let stdoutPath: string | null = null;
    for (;;) {
      const status = await this.status(jobId);
      if (status.state === 'unknown') {
        throw new EngineSetupError(`SLURM job ${jobId} is known to neither squeue nor sacct`, {
          engine: null,
        });
      }
      if (tail) {
        stdoutPath ??= await this.#stdoutPath(jobId);
        if (stdoutPath) await tail.read(stdoutPath);
      }
      if (status.state === 'finished' && status.exit) {
        tail?.end();
        return status.exit;
      }
      await sleep(this.#config.pollIntervalMs);
    }
  }

  #run(name: string, args: readonly string[], cwd?: string): Promise<SlurmCommandResult> {
    return runSlurmCommand(name, args, {
      binDir: this.#config.binDir,
      timeoutMs: this.#config.commandTimeoutMs,
      ...(cwd ? { cwd } : {}),
    });
  }

  /** squeue's state for a job, or null when squeue no longer (or never) lists it. */
  async #queueState(jobId: string): Promise<string | null> {
    const args = ['-h', '-j', jobId, '-o', '%T'];
    const result = await this.#run('squeue', args);
    if (result.exitCode !== 0) {
      if (/Invalid job id/i.test(result.stderr)) return null;
      commandFailed('squeue', args, result);
    }
    return result.stdout.split('\n')[0]?.trim() || null;
  }

  /** The job as accounting and as the controller see it; an accounting failure is kept, not thrown. */
  async #finalRecords(jobId: string): Promise<{
    accounting: SlurmRecord | null;
    controller: SlurmRecord | null;
    accountingError: SlurmCommandError | null;
  }> {
    const sacctArgs = ['-n', '-P', '-j', jobId, '-o', 'JobID,State,ExitCode,Elapsed'];
    const [sacct, scontrol] = await Promise.all([
      this.#run('sacct', sacctArgs),
      this.#run('scontrol', ['show', 'job', '-o', jobId]),
    ]);
    let accountingError: SlurmCommandError | null = null;
    if (sacct.exitCode !== 0) {
      try {
        commandFailed('sacct', sacctArgs, sacct);
      } catch (err) {
        accountingError = err as SlurmCommandError;
      }
    }
    return {
      accounting: sacct.exitCode === 0 ? parseSacct(sacct.stdout, jobId) : null,
      controller: scontrol.exitCode === 0 ? parseScontrolJob(scontrol.stdout) : null,
      accountingError,
    };
  }

  /** The stdout file named in the job's script, found through its working directory; null if not yet. */
  async #stdoutPath(jobId: string): Promise<string | null> {
    const queued = await this.#run('squeue', ['-h', '-j', jobId, '-o', '%Z']);
    let workDir = queued.exitCode === 0 ? queued.stdout.split('\n')[0]?.trim() : undefined;
    if (!workDir) {
      const acct = await this.#run('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'WorkDir']);
      workDir = acct.exitCode === 0 ? acct.stdout.split('\n')[0]?.trim() : undefined;
    }
    if (!workDir) return null;
    try {
      return stdoutPathFromScript(await readFile(join(workDir, SBATCH_SCRIPT_NAME), 'utf8'));
    } catch {
      return null; // not our script, or the directory is not visible from this host
    }
  }
}

function checkJobId(jobId: string): void {
  if (!JOB_ID.test(jobId)) throw new EngineSetupError(`'${jobId}' is not a SLURM job id`, { engine: null });
}

function finished(jobId: string, record: SlurmRecord): SlurmJobStatus {
  return { jobId, state: 'finished', slurmState: record.state, exit: slurmJobExit(record) };
}
