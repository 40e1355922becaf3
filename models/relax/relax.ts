/**
 * Batched relaxation: many structures step together, and every step calls the potential once
 * for all that are still running. `relaxSteps` is the async step generator (yield per step, for
 * heartbeats and progress); `relax` drains it.
 *
 * ```ts
 * const results = await relax(model, structures, { fmax: 0.05, steps: 300 });
 * results[0].converged; results[0].energyEv; results[0].structure;
 * ```
 */
import type { Structure } from '../../crystal/structure.js';
import type { Evaluation, Potential } from './evaluation.js';
import { FIRE, type FireOptions } from './fire.js';
import { FrechetCellFilter } from './frechet-cell-filter.js';
import { OptimizableAtoms, type Optimizable } from './optimizable.js';
import {
  irun,
  type Optimizer,
  type OptimizerOutcome,
  type OptimizerStep,
  type StopReason,
  type TrajectorySummary,
} from './optimizer.js';

/** Options of {@link relax} and {@link relaxSteps}. */
export interface RelaxOptions {
  /** Force criterion, eV/Å, for atoms and (with the cell filter) cell rows. Default 0.05. */
  readonly fmax?: number;
  /** Most optimizer steps per structure. Default 500. */
  readonly steps?: number;
  /** Relax the cell too, with a FrechetCellFilter. Default true. */
  readonly relaxCell?: boolean;
  /** External pressure for the cell filter, eV/Å³. Default 0. */
  readonly scalarPressure?: number;
  /** Cell coordinate scale (ASE `exp_cell_factor`); default the number of atoms. */
  readonly expCellFactor?: number;
  /** FIRE parameters (ASE defaults). */
  readonly fire?: FireOptions;
  /** Use another optimizer than FIRE (one new instance per structure), e.g. the steepest-descent reference. */
  readonly optimizer?: () => Optimizer;
  /** Stop between steps when aborted (throws the signal's reason). */
  readonly signal?: AbortSignal;
}

/** Progress after one batched step. */
export interface RelaxProgress {
  /** Potential calls made so far. */
  readonly step: number;
  /** Structures still running. */
  readonly nActive: number;
  readonly nConverged: number;
  /** Structures finished (converged or stopped). */
  readonly nFinished: number;
  /** Largest generalized force among the running structures, eV/Å (0 when none runs). */
  readonly maxFmaxEvPerA: number;
}

/** One structure's relaxation. */
export interface RelaxResult<P extends Evaluation = Evaluation> {
  /** The last evaluated structure: the relaxed one when `converged`. */
  readonly structure: Structure;
  /** Its potential energy, eV (without any pV term). */
  readonly energyEv: number;
  readonly energyPerAtomEv: number;
  readonly converged: boolean;
  readonly stopReason: StopReason;
  readonly nSteps: number;
  /** Max generalized force at the end (atoms, and cell rows with the filter), eV/Å. */
  readonly fmaxEvPerA: number;
  /** The potential's evaluation of `structure` (a `Prediction` for an `MlipModel`). */
  readonly final: P;
  readonly trajectory: TrajectorySummary;
}

/** Relaxes every structure; results are in input order. */
export async function relax<P extends Evaluation>(
  potential: Potential<P>,
  structures: readonly Structure[],
  options: RelaxOptions = {},
): Promise<RelaxResult<P>[]> {
  const steps = relaxSteps(potential, structures, options);
  for (;;) {
    const next = await steps.next();
    if (next.done) return next.value;
  }
}

/** The optimizable one structure is relaxed as, given the options. */
export function optimizableFor(structure: Structure, options: RelaxOptions = {}): Optimizable {
  if (options.relaxCell ?? true) {
    return new FrechetCellFilter(structure, {
      expCellFactor: options.expCellFactor,
      scalarPressure: options.scalarPressure,
    });
  }
  return new OptimizableAtoms(structure);
}

/** Steps all structures together, yielding progress after each potential call. */
export async function* relaxSteps<P extends Evaluation>(
  potential: Potential<P>,
  structures: readonly Structure[],
  options: RelaxOptions = {},
): AsyncGenerator<RelaxProgress, RelaxResult<P>[], void> {
  const runs = structures.map((s) =>
    irun<P>(optimizableFor(s, options), options.optimizer?.() ?? new FIRE(options.fire), {
      fmax: options.fmax,
      steps: options.steps,
    }),
  );
  const results: (RelaxResult<P> | undefined)[] = new Array(structures.length);
  const pending = new Map<number, OptimizerStep>();
  const settle = (k: number, r: IteratorResult<OptimizerStep, OptimizerOutcome<P>>) => {
    if (r.done) {
      results[k] = toResult(r.value);
      pending.delete(k);
    } else {
      pending.set(k, r.value);
    }
  };
  runs.forEach((run, k) => settle(k, run.next()));
  let step = 0;
  while (pending.size > 0) {
    options.signal?.throwIfAborted();
    const ids = [...pending.keys()];
    const evaluations = await potential.predict(ids.map((k) => pending.get(k)!.structure));
    step += 1;
    ids.forEach((k, i) => settle(k, runs[k]!.next(evaluations[i]!)));
    const finished = results.filter((r) => r !== undefined);
    yield {
      step,
      nActive: pending.size,
      nConverged: finished.filter((r) => r.converged).length,
      nFinished: finished.length,
      maxFmaxEvPerA: Math.max(0, ...[...pending.values()].map((p) => p.previousFmaxEvPerA ?? 0)),
    };
  }
  return results as RelaxResult<P>[];
}

function toResult<P extends Evaluation>(o: OptimizerOutcome<P>): RelaxResult<P> {
  return {
    structure: o.structure,
    energyEv: o.evaluation.energyEv,
    energyPerAtomEv: o.evaluation.energyEv / o.structure.species.length,
    converged: o.converged,
    stopReason: o.stopReason,
    nSteps: o.nSteps,
    fmaxEvPerA: o.fmax,
    final: o.evaluation,
    trajectory: o.trajectory,
  };
}
