/**
 * Launchers whose jobs wait `delayS` seconds before pw.x starts, so a test can act while a DFT job
 * is certainly running (stop --cancel, kill -9 of the worker). The delay is part of the job: a
 * cancelled job is killed like pw.x itself, and a SLURM job keeps its delay on the node when the
 * worker that submitted it dies.
 */
import { LocalLauncher } from '../../dft/launchers/local.js';
import { SlurmLauncher, type SlurmLauncherConfig } from '../../dft/launchers/slurm.js';
import type { JobSpec } from '../../dft/launcher.js';

const delayed = (job: JobSpec, delayS: number): JobSpec => ({
  ...job,
  argv: ['sh', '-c', `sleep ${delayS} && exec "$@"`, 'delayed', ...job.argv],
});

export class DelayedLauncher extends LocalLauncher {
  constructor(readonly delayS: number) {
    super();
  }

  override submit(job: JobSpec): Promise<string> {
    return super.submit(delayed(job, this.delayS));
  }
}

/** The SLURM variant; the job asks for one task (the `sh` in front hides the MPI ranks). */
export class DelayedSlurmLauncher extends SlurmLauncher {
  constructor(
    readonly delayS: number,
    config: SlurmLauncherConfig = {},
  ) {
    super(config);
  }

  override submit(job: JobSpec): Promise<string> {
    return super.submit(delayed(job, this.delayS));
  }
}
