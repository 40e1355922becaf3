/**
 * The DFT activity of a campaign: one calculation of one stored structure, recorded in
 * `dft_calculations` exactly once however often Temporal retries it.
 *
 * - Idempotent: the row is keyed by `idempotencyKey`; a finished row is returned as it is.
 * - Durable: the running job (attempt, scheduler job id, parameters) is written to the row right
 *   after submission, so a retry after a worker crash re-attaches to a SLURM job instead of
 *   submitting it again (a local job died with its worker and is started again).
 * - Honest: a calculation that fails after the error handlers is a stored outcome with its reason,
 *   and so is a structure the engine rejects (or one above the size limit, `dft/size-limit.ts`)
 *   and a work directory that cannot be written (its path and the error); only a broken host
 *   (EngineSetupError) and cancellation throw.
 * - Cancelled on request (stop --cancel): the job is killed, the row is stored as `failed` with
 *   reason `cancelled`, then the cancellation is rethrown. A worker shutdown also aborts the
 *   activity but is not a cancel request: that row stays `running` with its job, so the retry on
 *   the next worker re-attaches (SLURM) or starts it again (local).
 * - Symmetric where asked (`symmetrize`, campaign candidates): the engine gets the relaxed cell
 *   refined to its space group in the primitive standard cell (`dft/symmetrize-input.ts`), stored
 *   once under `<key>:input-structure` and named in the row (`input_structure_id`,
 *   `input_symmetrization`: what was done, or why the relaxed cell was kept); a retry reads the
 *   cell back from the row. The energy and forces of an SCF belong to that cell.
 * - Observable: heartbeats carry the job id and progress (attempt, SCF iteration, energy so far),
 *   and go out every {@link HEARTBEAT_INTERVAL_MS} even while pw.x is silent or the job is
 *   queued, so the workflow's heartbeat timeout notices a dead worker in about a minute.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { join } from 'node:path';
import { Structure } from '../../crystal/structure.js';
import type { Database } from '../../db/database.js';
import {
  findDftCalculationByKey,
  recordAttempts,
  recordRunningJob,
  storeDftOutcome,
  type DftCalculationStateRow,
} from '../../db/dft-calculations.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { STORED_SYMPREC_A, structureFromRow, structureRow } from '../../db/structure-row.js';
import { findStructureGeometry } from '../../db/structures.js';
import type { Attempt, DftResult } from '../../dft/engine.js';
import { engineFor, launcherFor, type Calculation, type SchedulerName } from '../../dft/engine-registry.js';
import { EngineInputError, EngineSetupError, WorkDirectoryError } from '../../dft/errors.js';
import type { Launcher } from '../../dft/launcher.js';
import { runCalculation } from '../../dft/run-calculation.js';
import { symmetrizedDftInput, type InputSymmetrization } from '../../dft/symmetrize-input.js';

export interface DftCalculationInput {
  readonly structureId: string;
  readonly engine: 'qe' | 'vasp';
  readonly profile: string;
  readonly calculation: Calculation;
  readonly scheduler: SchedulerName;
  /** Derived from workflow id, activity and item (DESIGN.md): one row per key, ever. */
  readonly idempotencyKey: string;
  readonly campaignId?: string | null;
  readonly roundId?: string | null;
  /**
   * Give the engine the structure refined to its space group (symprec 0.1 Å, as
   * `structures.space_group_number`) in its primitive standard cell, unless a guard keeps it as it
   * is (`dft/symmetrize-input.ts`). The refined cell is stored (origin 'dft', key
   * `<idempotencyKey>:input-structure`) and the row records it in `input_structure_id` and what was
   * done in `input_symmetrization`. Default false (elemental references are built ideal).
   */
  readonly symmetrize?: boolean;
}

export interface DftCalculationSummary {
  readonly dftCalculationId: string;
  readonly status: 'converged' | 'failed';
  readonly reason: string | null;
  readonly energyPerAtomEv: number | null;
}

/** Heartbeat period while a job is queued or running, ms (the workflow's timeout is 1 minute). */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** `failure_reason` of a calculation cancelled by a stop with mode 'cancel'. */
export const CANCELLED_REASON = 'cancelled';

export interface DftActivityDependencies {
  readonly db: Database;
  readonly workRoot: string;
  readonly pseudoDir?: string | undefined;
  /** Launchers by scheduler name; default: created on first use. */
  readonly launchers?: Partial<Record<SchedulerName, Launcher>>;
  /** Most sites a cell may have; default `MATDISC_DFT_MAX_SITES`, else 500 (`dft/size-limit.ts`). */
  readonly maxSites?: number;
}

const summary = (r: DftCalculationStateRow): DftCalculationSummary => ({
  dftCalculationId: r.id,
  status: r.status as 'converged' | 'failed',
  reason: r.failure_reason,
  energyPerAtomEv: r.energy_per_atom_ev,
});

export function createDftActivities(deps: DftActivityDependencies) {
  const { db } = deps;
  const launchers = new Map<SchedulerName, Launcher>(
    Object.entries(deps.launchers ?? {}) as [SchedulerName, Launcher][],
  );
  const launcher = (name: SchedulerName) => {
    if (!launchers.has(name)) launchers.set(name, launcherFor(name));
    return launchers.get(name)!;
  };
  const select = (key: string) => findDftCalculationByKey(db, key);

  return {
    async runDftCalculation(input: DftCalculationInput): Promise<DftCalculationSummary> {
      const existing = await select(input.idempotencyKey);
      if (existing && (existing.status === 'converged' || existing.status === 'failed'))
        return summary(existing);

      const ctx = Context.current();
      let choice;
      try {
        choice = engineFor(input.engine, input.profile, input.calculation, { pseudoDir: deps.pseudoDir });
      } catch (err) {
        throw ApplicationFailure.nonRetryable(
          err instanceof Error ? err.message : String(err),
          'EngineInputError',
        );
      }
      const { engine, params } = choice;
      const stored = await findStructureGeometry(db, input.structureId);
      if (!stored)
        throw ApplicationFailure.nonRetryable(
          `structure ${input.structureId} does not exist`,
          'EngineInputError',
        );
      // The cell the engine gets: fixed when the row is first written, so a retry reads it back.
      let structure = structureFromRow(stored);
      let inputStructureId: string | null = null;
      let symmetrization: InputSymmetrization | null = null;
      if (existing?.input_structure_id) {
        inputStructureId = existing.input_structure_id;
        structure = structureFromRow((await findStructureGeometry(db, inputStructureId))!);
      } else if (!existing && input.symmetrize) {
        const refined = symmetrizedDftInput(structure, { symprecA: STORED_SYMPREC_A });
        symmetrization = refined.record;
        inputStructureId =
          refined.record.status === 'symmetrized'
            ? (
                await insertOnce(
                  db,
                  'structures',
                  structureRow(refined.structure, 'dft', {
                    campaign_id: input.campaignId ?? null,
                    parent_id: input.structureId,
                  }),
                  `${input.idempotencyKey}:input-structure`,
                )
              ).id
            : input.structureId;
        structure = refined.structure;
      }
      const workRoot = join(deps.workRoot, 'dft', input.idempotencyKey.replace(/[^A-Za-z0-9_.-]+/g, '_'));
      const row = await insertOnce(
        db,
        'dft_calculations',
        {
          structure_id: input.structureId,
          campaign_id: input.campaignId ?? null,
          round_id: input.roundId ?? null,
          engine: input.engine,
          calculation: input.calculation,
          profile_name: input.profile,
          profile: params as Readonly<Record<string, unknown>>,
          level_of_theory: engine.levelOfTheory(params),
          status: 'running',
          scheduler: input.scheduler,
          work_dir: workRoot,
          input_structure_id: inputStructureId,
          input_symmetrization: symmetrization as Readonly<Record<string, unknown>> | null,
        },
        input.idempotencyKey,
      );
      const previous = existing ?? (await select(input.idempotencyKey))!;
      let history: Attempt[] = previous.attempts ?? [];
      let running = previous.running_job ?? undefined;
      const beat = (progress?: object) =>
        ctx.heartbeat({
          jobId: running?.jobId ?? null,
          attempt: running?.attempt ?? history.length,
          ...progress,
        });

      let outcome;
      const ticker = setInterval(() => beat(), HEARTBEAT_INTERVAL_MS);
      try {
        outcome = await runCalculation({
          structure,
          engine,
          profile: params,
          launcher: launcher(input.scheduler),
          workRoot,
          signal: ctx.cancellationSignal,
          ...(deps.maxSites !== undefined ? { maxSites: deps.maxSites } : {}),
          ...(history.length || running ? { resume: { history, ...(running ? { running } : {}) } } : {}),
          onSubmitted: async (job) => {
            running = job;
            await recordRunningJob(db, row.id, job);
            beat();
          },
          onAttempt: async (attempt) => {
            history = [...history, attempt];
            running = undefined;
            await recordAttempts(db, row.id, history);
          },
          onProgress: (p) =>
            beat({ scfIteration: p.scfIteration, ionicStep: p.ionicStep, energyEv: p.energyEv }),
        });
      } catch (err) {
        if (ctx.cancellationSignal.aborted && ctx.cancellationDetails?.cancelRequested) {
          // The job is dead (runJob waited for it); the row must not say 'running' forever.
          await finish(db, row.id, { status: 'failed', reason: CANCELLED_REASON, attempts: history });
          throw err;
        }
        if (err instanceof EngineInputError) {
          await finish(db, row.id, {
            status: 'failed',
            reason: `input rejected: ${err.message}`,
            attempts: history,
          });
          return summary((await select(input.idempotencyKey))!);
        }
        if (err instanceof WorkDirectoryError) {
          // Retrying would hit the same file, disk or permission for half an hour.
          await finish(db, row.id, { status: 'failed', reason: err.message, attempts: history });
          return summary((await select(input.idempotencyKey))!);
        }
        if (err instanceof EngineSetupError)
          throw ApplicationFailure.nonRetryable(err.message, 'EngineSetupError');
        throw err;
      } finally {
        clearInterval(ticker);
      }
      await finish(db, row.id, {
        status: outcome.status,
        reason: outcome.status === 'failed' ? outcome.reason : null,
        attempts: outcome.attempts as Attempt[],
        ...(outcome.status === 'converged' && outcome.result ? { result: outcome.result } : {}),
        structureRowFor: async (final: Structure) =>
          (
            await insertOnce(
              db,
              'structures',
              structureRow(final, 'dft', {
                campaign_id: input.campaignId ?? null,
                parent_id: input.structureId,
              }),
              `${input.idempotencyKey}:final-structure`,
            )
          ).id,
      });
      return summary((await select(input.idempotencyKey))!);
    },
  };
}

interface Finish {
  readonly status: 'converged' | 'failed';
  readonly reason: string | null;
  readonly attempts: readonly Attempt[];
  readonly result?: DftResult;
  readonly structureRowFor?: (s: Structure) => Promise<string>;
}

/** Writes the outcome once: a row that is already finished is left as it is. */
async function finish(db: Database, id: string, f: Finish): Promise<void> {
  const r = f.result;
  const finalId = r?.finalStructure && f.structureRowFor ? await f.structureRowFor(r.finalStructure) : null;
  await storeDftOutcome(db, id, {
    status: f.status,
    reason: f.reason,
    attempts: f.attempts,
    result: r,
    finalStructureId: finalId,
    wallS: f.attempts.reduce((sum, a) => sum + a.wallS, 0),
  });
}

export type DftActivities = ReturnType<typeof createDftActivities>;
