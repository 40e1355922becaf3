/**
 * A job over its time limit ends as TIMEOUT and `attach` reports `timedOut`. SLURM's smallest limit
 * is one minute and slurmctld looks for jobs over their limit every 30 s, so this test takes 60–90 s
 * of wall time (KillWait=5 in the test cluster's slurm.conf adds at most 5 s). It is a file of its
 * own so that it runs beside slurm-launcher.test.ts instead of after it, holding one of the two
 * cores meanwhile.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SlurmLauncher } from '../../../dft/launchers/slurm.js';
import { SBATCH_SCRIPT_NAME } from '../../../dft/launchers/slurm-script.js';
import { jobDirectory, removeJobDirectories, sacctState, startSlurmCluster } from './cluster.js';

beforeAll(startSlurmCluster, 180_000);
afterAll(removeJobDirectories);

it('reports a job killed at its time limit as timed out', async () => {
  const launcher = new SlurmLauncher({ pollIntervalMs: 1000 });
  const directory = await jobDirectory('matdisc-slurm-timeout-');
  const jobId = await launcher.submit({
    argv: ['bash', '-c', 'echo started; exec sleep 300'],
    directory,
    stdoutFile: 'job.out',
    stderrFile: 'job.err',
    timeoutMs: 45_000, // rounded up to SLURM's 1 minute
  });
  expect(await readFile(join(directory, SBATCH_SCRIPT_NAME), 'utf8')).toContain('#SBATCH --time=0:01:00\n');
  let streamed = '';
  const exit = await launcher.attach(jobId, { onOutput: (text) => (streamed += text) });
  expect(exit).toMatchObject({ timedOut: true, cancelled: false, exitCode: null, slurmState: 'TIMEOUT' });
  expect(exit.wallS).toBeGreaterThanOrEqual(60);
  expect(exit.wallS).toBeLessThan(120);
  expect(streamed).toBe('started\n');
  expect(await sacctState(jobId)).toBe('TIMEOUT');
}, 170_000);
