/**
 * A local launcher whose jobs wait `delayS` seconds before pw.x starts, so a test can act while a
 * DFT job is certainly running (stop --cancel, kill -9 of the worker). The delay is part of the
 * job's process tree: cancelling the job kills it like pw.x itself.
 */
import { LocalLauncher } from '../../activities/dft/launchers/local.js';
import type { JobSpec } from '../../activities/dft/launcher.js';

export class DelayedLauncher extends LocalLauncher {
  constructor(readonly delayS: number) {
    super();
  }

  override submit(job: JobSpec): Promise<string> {
    return super.submit({
      ...job,
      argv: ['sh', '-c', `sleep ${this.delayS} && exec "$@"`, 'delayed', ...job.argv],
    });
  }
}
