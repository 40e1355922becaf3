/**
 * Steepest descent with an adaptive step, the plain reference FIRE is checked against: move
 * along the force, x += λ f (step capped at `maxstep`), grow λ by 10 % after a step that lowered
 * the energy, go back and halve λ after one that raised it. Slow but hard to get wrong.
 */
import { stripUndefined } from './fire.js';
import type { Optimizable } from './optimizable.js';
import type { Optimizer } from './optimizer.js';

export interface SteepestDescentOptions {
  /** Initial step per unit force, Å²/eV. Default 0.01. */
  readonly lambda?: number;
  /** Largest step (norm of the whole displacement vector), Å. Default 0.2. */
  readonly maxstep?: number;
  /** A rise in energy up to this much is accepted, eV (room for float32 noise). Default 0. */
  readonly energyToleranceEv?: number;
}

export class SteepestDescent implements Optimizer {
  readonly options: Required<SteepestDescentOptions>;
  #lambda: number;
  #last: { x: Float64Array; f: Float64Array; e: number } | undefined;

  constructor(options: SteepestDescentOptions = {}) {
    this.options = { lambda: 0.01, maxstep: 0.2, energyToleranceEv: 0, ...stripUndefined(options) };
    this.#lambda = this.options.lambda;
  }

  step(optimizable: Optimizable, forces: Float64Array, energy: number): void {
    let f = forces;
    if (this.#last && energy > this.#last.e + this.options.energyToleranceEv) {
      optimizable.setPositions(this.#last.x);
      f = this.#last.f;
      this.#lambda *= 0.5;
    } else {
      if (this.#last) this.#lambda *= 1.1;
      this.#last = { x: optimizable.getPositions(), f: forces.slice(), e: energy };
    }
    let norm = 0;
    for (const v of f) norm += v * v;
    norm = Math.sqrt(norm) * this.#lambda;
    const scale = norm > this.options.maxstep ? this.options.maxstep / norm : 1;
    const x = optimizable.getPositions();
    for (let k = 0; k < x.length; k++) x[k] = x[k]! + scale * this.#lambda * f[k]!;
    optimizable.setPositions(x);
  }
}
