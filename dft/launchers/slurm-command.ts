/**
 * Running SLURM's client commands (sbatch, squeue, sacct, scontrol, scancel) and the error they
 * raise when the scheduler cannot be reached.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { DftError, EngineSetupError } from '../errors.js';

/**
 * A SLURM command failed for a reason that may pass: the controller or slurmdbd did not answer,
 * a command timed out, `scancel` did not take effect in time. Retryable (not in
 * `nonRetryableErrorTypes`): the job itself may be fine, so a retry re-attaches to the same id.
 */
export class SlurmCommandError extends DftError {
  override readonly name = 'SlurmCommandError';
  constructor(
    message: string,
    readonly details: {
      readonly command: readonly string[];
      readonly exitCode: number | null;
      readonly stderr: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SlurmCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** stderr of a command that could not talk to slurmctld/slurmdbd: worth a retry. */
export const TRANSIENT_FAILURE =
  /Unable to contact slurm controller|Socket timed out|Connection refused|temporarily unavailable|Zero Bytes were transmitted|Problem talking to the database|Resource temporarily/i;

/**
 * Runs one SLURM command; resolves with its output whatever its exit status. Throws
 * `EngineSetupError` when the binary is missing (this host cannot reach SLURM) and
 * `SlurmCommandError` when it times out.
 */
export async function runSlurmCommand(
  name: string,
  args: readonly string[],
  options: { readonly binDir?: string | undefined; readonly timeoutMs: number; readonly cwd?: string },
): Promise<SlurmCommandResult> {
  const file = options.binDir ? join(options.binDir, name) : name;
  const result = await execa(file, args, {
    cwd: options.cwd,
    stdin: 'ignore',
    timeout: options.timeoutMs,
    reject: false,
    encoding: 'utf8',
  });
  const command = [file, ...args];
  if (result.failed && result.exitCode === undefined) {
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') {
      throw new EngineSetupError(`'${file}' was not found: is the SLURM client installed on this host?`, {
        engine: null,
        argv: command,
      });
    }
    throw new SlurmCommandError(
      `${command.join(' ')} ${result.timedOut ? `timed out after ${options.timeoutMs} ms` : 'could not run'}`,
      { command, exitCode: null, stderr: result.stderr },
      { cause: result.cause ?? result },
    );
  }
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1 };
}

/** Throws `SlurmCommandError` carrying the command's stderr. */
export function commandFailed(name: string, args: readonly string[], result: SlurmCommandResult): never {
  const stderr = result.stderr.trim();
  throw new SlurmCommandError(`${name} ${args.join(' ')} failed (exit ${result.exitCode}): ${stderr}`, {
    command: [name, ...args],
    exitCode: result.exitCode,
    stderr,
  });
}
