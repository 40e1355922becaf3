/**
 * A real pw.x SCF of bulk Si (2 atoms, the known-good input of shared/data/README.md §2) through
 * SLURM with 2 MPI ranks, independent of the QE engine: the input is written here, and the argv
 * is built the way engines build it, `[...parallel.mpiexec, parallel.ranksOption, N, 'pw.x', …]`.
 * The launcher reads N from that argv and asks SLURM for `--ntasks=N`; mpirun takes its slots
 * from the allocation.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SlurmLauncher } from '../../../dft/launchers/slurm.js';
import { SBATCH_SCRIPT_NAME } from '../../../dft/launchers/slurm-script.js';
import { jobDirectory, removeJobDirectories, startSlurmCluster } from './cluster.js';

const PSEUDO_DIR =
  process.env.PSEUDO_DIR ??
  fileURLToPath(new URL('../../../../shared/data/pseudos/SSSP_1.3.0_PBE_efficiency', import.meta.url));

const SI_INPUT = `&control
  calculation='scf', prefix='si', pseudo_dir='${PSEUDO_DIR}', outdir='./out',
  tprnfor=.true., tstress=.true.
/
&system
  ibrav=2, celldm(1)=10.26, nat=2, ntyp=1, ecutwfc=30.0, ecutrho=240.0
/
&electrons
  conv_thr=1.0d-8
/
ATOMIC_SPECIES
  Si 28.0855 Si.pbe-n-rrkjus_psl.1.0.0.UPF
ATOMIC_POSITIONS crystal
  Si 0.00 0.00 0.00
  Si 0.25 0.25 0.25
K_POINTS automatic
  4 4 4 0 0 0
`;

beforeAll(startSlurmCluster, 180_000);
afterAll(removeJobDirectories);

it('runs a pw.x SCF of bulk Si on 2 ranks through SLURM', async () => {
  const defaults = SlurmLauncher.defaultParallel();
  const launcher = new SlurmLauncher({ pollIntervalMs: 500, parallel: { ...defaults, slots: 2 } });
  const { mpiexec, ranksOption, slots } = launcher.parallel;
  const directory = await jobDirectory('matdisc-slurm-pwx-');
  await writeFile(join(directory, 'pw.in'), SI_INPUT);
  const argv = [...(mpiexec ?? []), ranksOption, String(slots), 'pw.x', '-in', 'pw.in'];
  const jobId = await launcher.submit({
    argv,
    directory,
    stdoutFile: 'pw.out',
    stderrFile: 'pw.err',
    timeoutMs: 600_000,
  });
  expect(await readFile(join(directory, SBATCH_SCRIPT_NAME), 'utf8')).toContain('#SBATCH --ntasks=2\n');
  let streamed = '';
  // Generous: on two cores this may queue behind slurm-timeout.test.ts's job (up to 90 s).
  const exit = await launcher.attach(jobId, { onOutput: (text) => (streamed += text) });
  const stdout = await readFile(join(directory, 'pw.out'), 'utf8');
  expect(exit, stdout + (await readFile(join(directory, 'pw.err'), 'utf8'))).toMatchObject({
    exitCode: 0,
    slurmState: 'COMPLETED',
  });
  expect(streamed).toBe(stdout);
  expect(stdout).toMatch(/running on\s+2 processors/);
  const energy = /^!\s+total energy\s+=\s+(-?\d+\.\d+) Ry/m.exec(stdout)?.[1];
  expect(Number(energy)).toBeCloseTo(-22.82574107, 5);
  expect(stdout).toContain('JOB DONE');
}, 170_000);
