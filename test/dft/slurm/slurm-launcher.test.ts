/**
 * `SlurmLauncher` against the real one-node cluster (scripts/slurm-cluster.sh): submit and stream,
 * a failing job, cancel, unknown ids, quoting end to end, and re-attaching after the submitting
 * process was killed. The time-limit case is in slurm-timeout.test.ts and pw.x in
 * slurm-pwx.test.ts, so the slow ones run in parallel with this file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSetupError } from '../../../dft/errors.js';
import { runJob } from '../../../dft/launcher.js';
import { SlurmLauncher } from '../../../dft/launchers/slurm.js';
import { SBATCH_SCRIPT_NAME } from '../../../dft/launchers/slurm-script.js';
import {
  jobDirectory,
  REPO_ROOT,
  removeJobDirectories,
  sacctState,
  slurmLines,
  startSlurmCluster,
} from './cluster.js';

const launcher = new SlurmLauncher({ pollIntervalMs: 500 });

beforeAll(startSlurmCluster, 180_000);
afterAll(removeJobDirectories);

/** Polls `status` until the job runs (or has already finished). */
async function untilRunning(jobId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { state } = await launcher.status(jobId);
    if (state === 'running' || state === 'finished') return;
    await sleep(200);
  }
  throw new Error(`job ${jobId} did not start within ${timeoutMs} ms`);
}

describe('SlurmLauncher on a real cluster', () => {
  it('runs a job to the end, streaming its stdout while it runs', async () => {
    const directory = await jobDirectory('matdisc-slurm-echo-');
    const jobId = await launcher.submit({
      argv: ['bash', '-c', 'echo hi; sleep 2; echo done'],
      directory,
      stdoutFile: 'job.out',
      stderrFile: 'job.err',
    });
    expect(jobId).toMatch(/^\d+$/);
    const chunks: string[] = [];
    const exit = await launcher.attach(jobId, { onOutput: (text) => chunks.push(text) });
    expect(exit).toMatchObject({
      exitCode: 0,
      signal: null,
      timedOut: false,
      cancelled: false,
      slurmState: 'COMPLETED',
    });
    expect(exit.wallS).toBeGreaterThanOrEqual(2);
    expect(chunks.join('')).toBe('hi\ndone\n');
    expect(chunks[0]).toBe('hi\n'); // seen before the job had finished
    expect(await readFile(join(directory, 'job.out'), 'utf8')).toBe('hi\ndone\n');
    expect(await launcher.status(jobId)).toMatchObject({ jobId, state: 'finished', exit: { exitCode: 0 } });
  }, 90_000);

  it('reports a nonzero exit as FAILED with its exit code, from sacct', async () => {
    const directory = await jobDirectory('matdisc-slurm-exit3-');
    const jobId = await launcher.submit({
      argv: ['bash', '-c', 'echo failing >&2; exit 3'],
      directory,
      stdoutFile: 'job.out',
      stderrFile: 'job.err',
    });
    const exit = await launcher.attach(jobId);
    expect(exit).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      cancelled: false,
      slurmState: 'FAILED',
    });
    expect(await readFile(join(directory, 'job.err'), 'utf8')).toBe('failing\n');
    expect(await slurmLines('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'State,ExitCode'])).toEqual([
      'FAILED|3:0',
    ]);
  }, 90_000);

  it('cancels a running job and waits until it has left the queue', async () => {
    const directory = await jobDirectory('matdisc-slurm-cancel-');
    const jobId = await launcher.submit({
      argv: ['sleep', '300'],
      directory,
      stdoutFile: 'job.out',
      stderrFile: 'job.err',
    });
    await untilRunning(jobId);
    expect((await launcher.status(jobId)).state).toBe('running');
    await launcher.cancel(jobId);
    expect(await slurmLines('squeue', ['-h', '-j', jobId, '-o', '%T'])).toEqual([]);
    const status = await launcher.status(jobId);
    expect(status).toMatchObject({
      state: 'finished',
      exit: { cancelled: true, exitCode: null, timedOut: false },
    });
    expect(await sacctState(jobId)).toBe('CANCELLED');
    expect(await launcher.attach(jobId)).toMatchObject({ cancelled: true, slurmState: 'CANCELLED' });
    await launcher.cancel(jobId); // a second cancel of an ended job is a no-op
  }, 90_000);

  it("cancels the SLURM job when runJob's signal aborts, then rethrows the reason", async () => {
    const directory = await jobDirectory('matdisc-slurm-abort-');
    const name = launcher.jobName(directory);
    const controller = new AbortController();
    const running = runJob(
      launcher,
      {
        argv: ['bash', '-c', 'echo up; exec sleep 300'],
        directory,
        stdoutFile: 'job.out',
        stderrFile: 'job.err',
      },
      { signal: controller.signal },
    );
    running.catch(() => {}); // observed below; keeps the rejection from counting as unhandled meanwhile
    let jobId: string | undefined;
    while (!jobId) {
      [jobId] = await slurmLines('squeue', ['-h', '-n', name, '-t', 'RUNNING', '-o', '%i']);
      if (!jobId) await sleep(200);
    }
    controller.abort(new Error('campaign cancelled'));
    await expect(running).rejects.toThrow('campaign cancelled');
    expect(await slurmLines('squeue', ['-h', '-j', jobId, '-o', '%T'])).toEqual([]);
    expect(await sacctState(jobId)).toBe('CANCELLED');
  }, 90_000);

  it('says unknown for an id neither squeue nor sacct knows, and attach refuses it', async () => {
    expect(await launcher.status('987654321')).toEqual({ jobId: '987654321', state: 'unknown' });
    await expect(launcher.attach('987654321')).rejects.toThrow(EngineSetupError);
  });

  it('passes argv and env through the script unchanged, in a directory with spaces and %', async () => {
    const directory = await jobDirectory('matdisc slurm 100% quoting-');
    const tricky = `it's a "test" $HOME \`id\` ; exit 9`;
    const jobId = await launcher.submit({
      argv: ['bash', '-c', 'printf "%s|%s|%s\\n" "$1" "$GREETING" "$PWD"', 'argv0', tricky],
      directory,
      stdoutFile: 'out %j.txt',
      stderrFile: 'err.txt',
      env: { GREETING: "hello 'world' $USER" },
    });
    let streamed = '';
    const exit = await launcher.attach(jobId, { onOutput: (text) => (streamed += text) });
    expect(exit.exitCode).toBe(0);
    expect(streamed).toBe(`${tricky}|hello 'world' $USER|${directory}\n`);
    expect(await readFile(join(directory, 'out %j.txt'), 'utf8')).toBe(streamed);
  }, 90_000);

  it('re-attaches after the submitting process was killed, without resubmitting', async () => {
    const directory = await jobDirectory('matdisc-slurm-reattach-');
    const child = execa(
      process.execPath,
      ['--import', 'tsx', 'test/dft/slurm/submit-and-attach.ts', directory],
      {
        cwd: REPO_ROOT,
        reject: false,
        all: true,
      },
    );
    let output = '';
    child.stdout?.on('data', (data: Buffer) => (output += data.toString()));
    const deadline = Date.now() + 60_000;
    // Kill it mid-job: once it has printed the id and streamed the first line.
    while (!/^OUT start$/m.test(output) && Date.now() < deadline && child.exitCode === null) await sleep(100);
    const jobId = /^JOB (\d+)$/m.exec(output)?.[1];
    expect(jobId, `child output:\n${output}`).toBeDefined();
    expect(output).toMatch(/^OUT start$/m);
    child.kill('SIGKILL');
    const killed = await child;
    expect(killed.signal).toBe('SIGKILL');
    expect(output).not.toContain('ATTACH RETURNED');
    expect((await launcher.status(jobId!)).state).toBe('running'); // the job did not die with it

    let streamed = '';
    const exit = await new SlurmLauncher({ pollIntervalMs: 500 }).attach(jobId!, {
      onOutput: (text) => (streamed += text),
    });
    expect(exit).toMatchObject({ exitCode: 5, slurmState: 'FAILED', cancelled: false });
    expect(streamed).toBe('start\nend\n');

    const name = launcher.jobName(directory);
    expect(await readFile(join(directory, SBATCH_SCRIPT_NAME), 'utf8')).toContain(`--job-name=${name}\n`);
    expect(await slurmLines('squeue', ['-h', '-n', name, '-o', '%i'])).toEqual([]);
    expect(
      await slurmLines('sacct', ['-n', '-P', '-X', '--name', name, '-S', 'now-1hours', '-o', 'JobID']),
    ).toEqual([jobId]);
  }, 120_000);
});
