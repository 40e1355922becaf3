/**
 * The optimizer loop as a step generator (STYLE.md W4, after ASE's `Optimizer.irun`): each
 * `yield` hands out the structure to evaluate next and receives its evaluation, so one loop
 * serves a single relaxation, a batch that shares one model call per step (`relax.ts`), the CLI
 * and the tests. Non-convergence is a return value, never an exception (STYLE.md E5).
 *
 * ```ts
 * const run = irun(new OptimizableAtoms(s), new FIRE(), { fmax: 0.05, steps: 200 });
 * let next = run.next();                      // first structure to evaluate
 * while (!next.done) {
 *   const [p] = await model.predict([next.value.structure]);
 *   next = run.next(p);
 * }
 * next.value.converged; next.value.nSteps;
 * ```
 */
import { COMPUTABLE_LIMITS } from '../../crystal/assert-valid-structure.js';
import { Structure } from '../../crystal/structure.js';
import { checkValidity } from '../../crystal/validity.js';
import type { Evaluation } from './evaluation.js';
import type { Optimizable } from './optimizable.js';

/** An optimization algorithm: moves the optimizable one step (ASE's `Optimizer.step`). */
export interface Optimizer {
  /**
   * One step from the current positions, given the generalized `forces` (nRows×3) and the
   * objective `energy` (eV) there.
   */
  step(optimizable: Optimizable, forces: Float64Array, energy: number): void;
}

/** Options of {@link irun}. */
export interface RunOptions {
  /** Converged when every row of the generalized forces is shorter than this, eV/Å. Default 0.05. */
  readonly fmax?: number;
  /** At most this many steps (ASE's `steps`). Default 500. */
  readonly steps?: number;
}

/** What the generator yields: the structure to evaluate next. */
export interface OptimizerStep {
  readonly structure: Structure;
  /** Steps taken so far (0 for the starting structure). */
  readonly nSteps: number;
  /** Max generalized force at the previous evaluation, eV/Å (absent before the first). */
  readonly previousFmaxEvPerA?: number;
}

/** Why a run ended. */
export const StopReason = {
  converged: 'converged',
  maxSteps: 'max-steps',
  /** The potential returned a non-finite energy or force. */
  nonFinite: 'non-finite',
  /**
   * The next step would collapse or blow up the cell: volume below 1/4 or above 4 times the
   * starting volume, or below 0.5 Å³ per atom, or two atoms within 0.1 Å or a flat cell (what
   * the potential refuses, `COMPUTABLE_LIMITS`). The run ends at the last evaluated structure,
   * which keeps a misbehaving potential from building enormous neighbour lists, and one collapsing
   * structure from failing the batch it steps with.
   */
  unphysical: 'unphysical',
} as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/** Per-evaluation history of a run, small enough to store. */
export interface TrajectorySummary {
  /** Objective (energy, or enthalpy under pressure) at each evaluation, eV. */
  readonly energiesEv: readonly number[];
  /** Max generalized force at each evaluation, eV/Å. */
  readonly fmaxEvPerA: readonly number[];
  /** Cell volume at each evaluation, Å³. */
  readonly volumesA3: readonly number[];
}

/** The result of a run: the last evaluated structure and its evaluation. */
export interface OptimizerOutcome<P extends Evaluation = Evaluation> {
  readonly converged: boolean;
  readonly stopReason: StopReason;
  readonly nSteps: number;
  /** The last evaluated structure (the relaxed one when converged). */
  readonly structure: Structure;
  /** Its evaluation, as the potential returned it. */
  readonly evaluation: P;
  /** Max generalized force there (atoms and cell rows), eV/Å. */
  readonly fmax: number;
  readonly trajectory: TrajectorySummary;
}

/** Runs `optimizer` on `optimizable` until converged or out of steps. */
export function* irun<P extends Evaluation>(
  optimizable: Optimizable,
  optimizer: Optimizer,
  options: RunOptions = {},
): Generator<OptimizerStep, OptimizerOutcome<P>, P> {
  const fmax = options.fmax ?? 0.05;
  const maxSteps = options.steps ?? 500;
  const energies: number[] = [];
  const fmaxes: number[] = [];
  const volumes: number[] = [];
  let structure = optimizable.structure();
  let nSteps = 0;
  let evaluation: P = yield { structure, nSteps };
  for (;;) {
    const forces = optimizable.forces(evaluation);
    const energy = optimizable.energy(evaluation);
    const fm = maxRowNorm(forces);
    energies.push(energy);
    fmaxes.push(fm);
    volumes.push(Structure.volume(structure));
    const outcome = (stopReason: StopReason): OptimizerOutcome<P> => ({
      converged: stopReason === StopReason.converged,
      stopReason,
      nSteps,
      structure,
      evaluation,
      fmax: fm,
      trajectory: { energiesEv: energies, fmaxEvPerA: fmaxes, volumesA3: volumes },
    });
    if (!Number.isFinite(energy) || !Number.isFinite(fm)) return outcome(StopReason.nonFinite);
    if (fm < fmax) return outcome(StopReason.converged);
    if (nSteps >= maxSteps) return outcome(StopReason.maxSteps);
    const before = optimizable.getPositions();
    optimizer.step(optimizable, forces, energy);
    const next = optimizable.structure();
    const ratio = Structure.volume(next) / volumes[0]!;
    if (
      !(ratio >= 0.25 && ratio <= 4 && Structure.volumePerAtom(next) >= 0.5) ||
      !checkValidity(next, COMPUTABLE_LIMITS).valid
    ) {
      optimizable.setPositions(before);
      return outcome(StopReason.unphysical);
    }
    nSteps += 1;
    structure = next;
    evaluation = yield { structure, nSteps, previousFmaxEvPerA: fm };
  }
}

/** Largest Euclidean norm over rows of three. */
export function maxRowNorm(v: Float64Array): number {
  let max = 0;
  for (let i = 0; i < v.length; i += 3) max = Math.max(max, Math.hypot(v[i]!, v[i + 1]!, v[i + 2]!));
  return max;
}
