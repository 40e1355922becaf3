/**
 * `SlurmLauncherConfig`: the one documented config of `SlurmLauncher` (STYLE.md D8), validated by
 * zod, so a typo in a campaign's YAML fails at startup with the field and the fix, not at the first
 * `sbatch`.
 *
 * ```ts
 * SlurmLauncherConfig.parse({ partition: 'cpu', account: 'mat123', directives: ['--constraint=ib'] });
 * // { partition: 'cpu', account: 'mat123', directives: ['--constraint=ib'], pollIntervalMs: 3000, … }
 * SlurmLauncherConfig.parse({ partition: 'cpu;rm -rf /' });
 * // EngineSetupError: invalid SLURM launcher config: ✖ partition: a SLURM name: letters, digits, '_', '.', '-' …
 * ```
 */
import { z } from 'zod';
import { EngineSetupError } from '../errors.js';

/** Partition, account, QoS and job-name prefix: plain SLURM names, safe in a directive. */
const slurmName = z
  .string()
  .regex(
    /^[A-Za-z0-9_.-]+$/,
    "a SLURM name: letters, digits, '_', '.', '-' (comma-separated lists are not taken)",
  );

const parallelSchema = z.strictObject({
  /** MPI starter with its fixed options, run inside the allocation; null when there is none. */
  mpiexec: z.array(z.string().min(1)).readonly().nullable(),
  /** Option before the rank count: '-np' for mpirun, '-n' for srun. */
  ranksOption: z.string().min(1),
  /** Cores one job may use (`mpiRanks: 'auto'`); a job asks SLURM for as many tasks as it runs ranks. */
  slots: z.int().min(1),
  /** Binary per engine name when not the default on the compute nodes' PATH. */
  binaries: z.record(z.string(), z.string().min(1)).readonly().optional(),
});

const schema = z.strictObject({
  /** `#SBATCH --partition`; the cluster's default partition when absent. */
  partition: slurmName.optional(),
  /** `#SBATCH --account`; the user's default account when absent. */
  account: slurmName.optional(),
  /** `#SBATCH --qos`; the association's default when absent. */
  qos: slurmName.optional(),
  /**
   * More `#SBATCH` lines, each one option as sbatch takes it, e.g. '--constraint=skylake',
   * '--mem-per-cpu=2G', '--exclusive'. Written as given (after the launcher's own directives, so
   * they win), hence the check: one option, no line breaks, no quotes.
   */
  directives: z
    .array(
      z.string().regex(/^--?[A-Za-z][A-Za-z0-9-]*(=[^\n\r"\\]*)?$/, "one sbatch option such as '--mem=4G'"),
    )
    .readonly()
    .default([]),
  /** Job names are `<prefix>-<basename of the job directory>`; the tests look jobs up by name. */
  jobNamePrefix: slurmName.default('matdisc'),
  /**
   * Environment exported in every job script, before the job's own `env`. sbatch also passes the
   * submitting process's environment (its default `--export=ALL`); add '--export=NONE' to
   * `directives` to stop that.
   */
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), z.string())
    .readonly()
    .default({ OMP_NUM_THREADS: '1' }),
  /**
   * MPI launch offered to engines. Default: `mpirun --bind-to none` (plus `--allow-run-as-root`
   * as root), `-np`, 1 slot. Open MPI reads the allocation from SLURM, so ranks stay inside it.
   * Use `{ mpiexec: ['srun', '--mpi=pmix'], ranksOption: '-n', … }` where Open MPI was built with
   * SLURM's PMI support (Debian 12's was not: direct launch aborts in MPI_Init).
   */
  parallel: parallelSchema.optional(),
  /** Time between two `squeue` polls in `attach`, ms. */
  pollIntervalMs: z.int().min(50).default(3000),
  /** How long `cancel` waits for the job to leave the queue after `scancel`, ms. */
  cancelTimeoutMs: z.int().min(1000).default(120_000),
  /**
   * How long `status` waits for accounting to catch up once a job has left `squeue` but `sacct`
   * does not show it finished yet (slurmdbd is written asynchronously), ms.
   */
  accountingLagMs: z.int().min(0).default(20_000),
  /** Limit for one SLURM command (sbatch, squeue, …), ms. */
  commandTimeoutMs: z.int().min(1000).default(60_000),
  /** Folder holding sbatch, squeue, sacct, scancel; PATH when absent. */
  binDir: z.string().min(1).optional(),
});

/** What callers pass (every field optional). */
export type SlurmLauncherConfig = z.input<typeof schema>;
/** The config with defaults applied. @internal */
export type ResolvedSlurmConfig = z.output<typeof schema>;

export const SlurmLauncherConfig = Object.freeze({
  /** Validates and fills defaults; throws `EngineSetupError` naming the bad field. */
  parse(input: unknown): ResolvedSlurmConfig {
    const result = schema.safeParse(input ?? {});
    if (!result.success) {
      throw new EngineSetupError(`invalid SLURM launcher config: ${z.prettifyError(result.error)}`, {
        engine: null,
      });
    }
    return result.data;
  },
});
