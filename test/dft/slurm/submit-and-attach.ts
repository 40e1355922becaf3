/**
 * A stand-in for a worker that dies mid-job: submits one SLURM job into the directory given as
 * argv[2], prints `JOB <id>`, then attaches and echoes the job's output as `OUT <text>` lines
 * until it is killed (slurm-launcher.test.ts kills it with SIGKILL).
 *
 *   node --import tsx test/dft/slurm/submit-and-attach.ts /tmp/job-dir
 */
import { SlurmLauncher } from '../../../dft/launchers/slurm.js';

const directory = process.argv[2];
if (!directory) throw new Error('usage: submit-and-attach.ts <job directory>');
const launcher = new SlurmLauncher({ pollIntervalMs: 500 });
const jobId = await launcher.submit({
  argv: ['bash', '-c', 'echo start; sleep 6; echo end; exit 5'],
  directory,
  stdoutFile: 'job.out',
  stderrFile: 'job.err',
});
process.stdout.write(`JOB ${jobId}\n`);
await launcher.attach(jobId, { onOutput: (text) => process.stdout.write(`OUT ${text}`) });
process.stdout.write('ATTACH RETURNED\n');
