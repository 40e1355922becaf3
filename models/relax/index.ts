/**
 * Structure relaxation with any potential: FIRE (Bitzek et al., Phys. Rev. Lett. 97, 170201
 * (2006)) ported step for step from ASE, ASE's FrechetCellFilter for the cell, and a batched
 * driver that calls the potential once per step for every structure still running.
 *
 * ```ts
 * import { MlipModel } from '../mlip/index.js';
 * import { relax, relaxSteps } from './models/relax/index.js';
 *
 * const model = await MlipModel.load('models/mlip/committee-v1.onnx');
 * const results = await relax(model, structures, { fmax: 0.05, steps: 300 });
 * // [{ structure, energyEv, converged, nSteps, stopReason, fmaxEvPerA, final, trajectory }, ...]
 *
 * for await (const progress of relaxSteps(model, structures)) heartbeat(progress); // per step
 * ```
 *
 * The pieces compose like ASE's: an `Optimizable` (atoms in a fixed cell, or a
 * `FrechetCellFilter`), an `Optimizer` (`FIRE`, `SteepestDescent`), and `irun`, the step
 * generator that yields each structure to evaluate. Non-convergence is a result
 * (`converged: false`, `stopReason`), never an exception.
 */
export {
  relax,
  relaxSteps,
  optimizableFor,
  type RelaxOptions,
  type RelaxProgress,
  type RelaxResult,
} from './relax.js';
export {
  irun,
  maxRowNorm,
  StopReason,
  type Optimizer,
  type OptimizerOutcome,
  type OptimizerStep,
  type RunOptions,
  type TrajectorySummary,
} from './optimizer.js';
export { FIRE, FIRE_DEFAULTS, type FireOptions } from './fire.js';
export { SteepestDescent, type SteepestDescentOptions } from './steepest-descent.js';
export { FrechetCellFilter, type FrechetCellFilterOptions } from './frechet-cell-filter.js';
export { OptimizableAtoms, type Optimizable } from './optimizable.js';
export { expm, expmFrechet } from './matrix-exp.js';
export type { Evaluation, Potential } from './evaluation.js';
