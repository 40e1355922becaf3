/**
 * Helpers for the SLURM tests: the one-node cluster they share, job directories, and direct
 * `squeue`/`sacct` look-ups to check the launcher against the scheduler itself.
 *
 * The cluster is started by `scripts/slurm-cluster.sh start` (idempotent, serialised with flock,
 * about 10 s cold and 1 s warm) from each file's `beforeAll`, and never stopped by a test: several
 * files share it, running in parallel, and stopping it under one of them would fail the others.
 * It is left running, like any service on a CI machine; `scripts/slurm-cluster.sh stop` ends it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts the cluster (or finds it running); resolves once the node is idle and sacct answers. */
export async function startSlurmCluster(): Promise<void> {
  const result = await execa('bash', [join(REPO_ROOT, 'scripts/slurm-cluster.sh'), 'start'], {
    reject: false,
    all: true,
    timeout: 170_000,
  });
  if (result.exitCode !== 0) throw new Error(`scripts/slurm-cluster.sh start failed:\n${result.all}`);
}

const made: string[] = [];

/** A fresh job directory under the system temp folder (the node is this host). */
export async function jobDirectory(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeJobDirectories(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Lines of a SLURM command's stdout (it must succeed). */
export async function slurmLines(file: string, args: readonly string[]): Promise<string[]> {
  const { stdout } = await execa(file, args);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/** Accounting's `State` of a job's allocation line, first word ('CANCELLED by 0' → 'CANCELLED'). */
export async function sacctState(jobId: string): Promise<string | undefined> {
  const [line] = await slurmLines('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'State,ExitCode']);
  return line?.split(/[\s|]/)[0];
}
