/**
 * The batch script `SlurmLauncher` writes into a job directory, and the way back from it. Pure
 * text functions (no I/O), so the quoting rules have golden tests.
 *
 * ```ts
 * renderSbatchScript({
 *   jobName: 'matdisc-si', directory: '/scratch/si', stdoutFile: 'pw.out', stderrFile: 'pw.err',
 *   ntasks: 2, timeoutMs: 600_000, directives: ['--partition=debug'], env: { OMP_NUM_THREADS: '1' },
 *   argv: ['mpirun', '-np', '2', 'pw.x', '-in', 'pw.in'],
 * });
 * // #!/bin/bash
 * // # Written by matdisc SlurmLauncher. One job per directory: attach reads --output back from here.
 * // #SBATCH --job-name=matdisc-si
 * // #SBATCH --chdir=/scratch/si
 * // #SBATCH --output=/scratch/si/pw.out
 * // #SBATCH --error=/scratch/si/pw.err
 * // #SBATCH --ntasks=2
 * // #SBATCH --time=0:10:00
 * // #SBATCH --partition=debug
 * // export OMP_NUM_THREADS=1
 * // exec mpirun -np 2 pw.x -in pw.in
 * ```
 */
import { isAbsolute, resolve } from 'node:path';

/** Name of the script in the job directory; `attach` reads the stdout path back from it. */
export const SBATCH_SCRIPT_NAME = 'slurm-job.sbatch';

export interface SbatchScriptInput {
  readonly jobName: string;
  /** Absolute job directory (`--chdir`). */
  readonly directory: string;
  /** Relative to `directory`, or absolute. */
  readonly stdoutFile: string;
  readonly stderrFile: string;
  readonly ntasks: number;
  /** Wall-clock limit, ms; rounded up to whole minutes (SLURM's unit). None when absent. */
  readonly timeoutMs?: number | undefined;
  /** More `#SBATCH` options, written last (partition, account, the config's extras). */
  readonly directives: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
}

/** Characters a shell word may hold without quotes. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for bash: bare when safe, else in single quotes with each `'` written as `'\''`.
 * `shellQuote("it's")` is `'it'\''s'`. NUL cannot be passed in an argv at all, so it throws.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new RangeError('a NUL byte cannot be passed in an argument');
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An argv as one bash command line: `['bash', '-c', 'echo "$HOME"']` → `bash -c 'echo "$HOME"'`. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * A path as an `#SBATCH` value. sbatch reads directives itself (no shell): it strips one pair of
 * double quotes, and in `--output`/`--error` it expands `%j`-style patterns, so a literal `%` is
 * written `%%` there. A `"`, a backslash (which switches patterns off) or a line break cannot be
 * written, so they throw.
 */
export function directivePath(path: string, isFilePattern: boolean): string {
  if (/["\\\n\r\0]/.test(path)) {
    throw new RangeError(`path ${JSON.stringify(path)} holds a character an #SBATCH line cannot carry`);
  }
  const value = isFilePattern ? path.replaceAll('%', '%%') : path;
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `"${value}"`;
}

/** Whole minutes, rounded up, as SLURM's `[days-]hours:minutes:seconds`: 90 s → '0:02:00'. */
export function formatSlurmTime(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const hm = `${hours}:${String(minutes % 60).padStart(2, '0')}:00`;
  return days > 0 ? `${days}-${hm}` : hm;
}

export function renderSbatchScript(input: SbatchScriptInput): string {
  const { directory } = input;
  const lines = [
    '#!/bin/bash',
    '# Written by matdisc SlurmLauncher. One job per directory: attach reads --output back from here.',
    `#SBATCH --job-name=${input.jobName}`,
    `#SBATCH --chdir=${directivePath(directory, false)}`,
    `#SBATCH --output=${directivePath(resolve(directory, input.stdoutFile), true)}`,
    `#SBATCH --error=${directivePath(resolve(directory, input.stderrFile), true)}`,
    `#SBATCH --ntasks=${input.ntasks}`,
  ];
  if (input.timeoutMs !== undefined) lines.push(`#SBATCH --time=${formatSlurmTime(input.timeoutMs)}`);
  for (const directive of input.directives) lines.push(`#SBATCH ${directive}`);
  for (const [name, value] of Object.entries(input.env)) lines.push(`export ${name}=${shellQuote(value)}`);
  // exec: the program's exit status and fatal signal become the job's (sacct ExitCode).
  lines.push(`exec ${shellCommand(input.argv)}`, '');
  return lines.join('\n');
}

/**
 * The stdout path written by {@link renderSbatchScript}, read back from the script text (with
 * quotes and `%%` undone); null when the script has no `--output` line.
 */
export function stdoutPathFromScript(script: string): string | null {
  const match = /^#SBATCH --output=(.*)$/m.exec(script);
  if (!match?.[1]) return null;
  let value = match[1].trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  value = value.replaceAll('%%', '%');
  return isAbsolute(value) ? value : null;
}
