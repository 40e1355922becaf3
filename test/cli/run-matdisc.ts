/**
 * Runs `matdisc` as a user runs it (bin/matdisc.js in a child process, from the repository root)
 * with a timeout, so a hang fails the case instead of blocking the suite; the same way as
 * cli.test.ts and bad-input/structure-inputs.test.ts.
 */
import { execa } from 'execa';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface MatdiscRun {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export async function runMatdisc(args: readonly string[], timeoutMs = 60_000): Promise<MatdiscRun> {
  const r = await execa('node', [join(ROOT, 'bin/matdisc.js'), ...args], {
    cwd: ROOT,
    reject: false,
    timeout: timeoutMs,
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), timedOut: r.timedOut };
}
