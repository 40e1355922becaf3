/**
 * What the optimizers need from a potential, and nothing more: `MlipModel` satisfies
 * {@link Potential} with its `Prediction`s, and tests can pass analytic potentials.
 */
import type { Mat3, Vec3 } from '../../crystal/lattice.js';
import type { Structure } from '../../crystal/structure.js';

/** Energy, forces and stress of one structure. */
export interface Evaluation {
  /** Total energy, eV. */
  readonly energyEv: number;
  /** Forces, eV/Å, one row per site in the structure's order. */
  readonly forcesEvPerA: readonly Vec3[];
  /** Stress, eV/Å³, ASE sign (positive = tensile). */
  readonly stressEvPerA3: Mat3;
}

/** Anything that evaluates many structures at once (one model call per relaxation step). */
export interface Potential<P extends Evaluation = Evaluation> {
  predict(structures: readonly Structure[]): Promise<readonly P[]>;
}
