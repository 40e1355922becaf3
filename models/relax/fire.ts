/**
 * FIRE, the Fast Inertial Relaxation Engine: damped molecular dynamics that mixes the velocity
 * towards the force direction, lengthens the time step while the motion stays downhill (P = F·v
 * > 0) and stops dead when it does not.
 *
 * E. Bitzek, P. Koskinen, F. Gähler, M. Moseler, P. Gumbsch, "Structural Relaxation Made
 * Simple", Phys. Rev. Lett. 97, 170201 (2006), doi:10.1103/PhysRevLett.97.170201.
 *
 * A step-for-step port of ASE's `ase.optimize.FIRE` (same defaults, same order of updates, the
 * same optional `downhillCheck`), with the whole step vector capped at `maxstep` as ASE does.
 * Masses are not used (ASE's FIRE ignores them too).
 */
import type { Optimizable } from './optimizable.js';
import type { Optimizer } from './optimizer.js';

/** FIRE parameters; defaults are ASE's. */
export interface FireOptions {
  /** Initial time step. Default 0.1. */
  readonly dt?: number;
  /** Largest step (norm of the whole displacement vector), Å. Default 0.2. */
  readonly maxstep?: number;
  /** Largest time step. Default 1.0. */
  readonly dtmax?: number;
  /** Downhill steps to wait before growing dt (N_min). Default 5. */
  readonly nMin?: number;
  /** Time-step growth factor. Default 1.1. */
  readonly finc?: number;
  /** Time-step cut on an uphill step. Default 0.5. */
  readonly fdec?: number;
  /** Mixing parameter α after a reset. Default 0.1. */
  readonly astart?: number;
  /** α decay per downhill step. Default 0.99. */
  readonly fa?: number;
  /** Initial α. Default 0.1. */
  readonly a?: number;
  /**
   * Compare energies of successive steps and go back when one rose (ASE `downhill_check`),
   * catching jumps across a valley that F·v > 0 misses. Default false.
   */
  readonly downhillCheck?: boolean;
  /**
   * With `downhillCheck`, a rise in energy up to this much still counts as downhill, eV.
   * Default 0 (ASE). Float32 models carry energy noise of about 1e-7 × |E|; without some
   * tolerance the check can mistake noise for a rise, halve dt again and again, and stall.
   */
  readonly downhillToleranceEv?: number;
}

export const FIRE_DEFAULTS = Object.freeze({
  dt: 0.1,
  maxstep: 0.2,
  dtmax: 1.0,
  nMin: 5,
  finc: 1.1,
  fdec: 0.5,
  astart: 0.1,
  fa: 0.99,
  a: 0.1,
  downhillCheck: false,
  downhillToleranceEv: 0,
});

export class FIRE implements Optimizer {
  readonly options: Required<FireOptions>;
  #dt: number;
  #a: number;
  /** Downhill steps since the last reset (ASE's `Nsteps`). */
  #nPositive = 0;
  #v: Float64Array | undefined;
  #eLast = 0;
  #rLast: Float64Array | undefined;

  constructor(options: FireOptions = {}) {
    this.options = { ...FIRE_DEFAULTS, ...stripUndefined(options) };
    this.#dt = this.options.dt;
    this.#a = this.options.a;
  }

  /** Current time step. */
  get dt(): number {
    return this.#dt;
  }

  step(optimizable: Optimizable, f: Float64Array, energy: number): void {
    const o = this.options;
    if (this.#v === undefined) {
      this.#v = new Float64Array(f.length);
      if (o.downhillCheck) {
        this.#eLast = energy;
        this.#rLast = optimizable.getPositions();
      }
    } else {
      let uphill = false;
      if (o.downhillCheck) {
        if (energy > this.#eLast + o.downhillToleranceEv) {
          optimizable.setPositions(this.#rLast!);
          uphill = true;
        } else {
          this.#eLast = energy;
        }
        this.#rLast = optimizable.getPositions();
      }
      const v = this.#v;
      const vf = dot(f, v);
      if (vf > 0 && !uphill) {
        const scale = (this.#a * Math.sqrt(dot(v, v))) / Math.sqrt(dot(f, f));
        for (let k = 0; k < v.length; k++) v[k] = (1 - this.#a) * v[k]! + scale * f[k]!;
        if (this.#nPositive > o.nMin) {
          this.#dt = Math.min(this.#dt * o.finc, o.dtmax);
          this.#a *= o.fa;
        }
        this.#nPositive += 1;
      } else {
        v.fill(0);
        this.#a = o.astart;
        this.#dt *= o.fdec;
        this.#nPositive = 0;
      }
    }
    const v = this.#v;
    const dr = new Float64Array(f.length);
    for (let k = 0; k < v.length; k++) {
      v[k] = v[k]! + this.#dt * f[k]!;
      dr[k] = this.#dt * v[k]!;
    }
    const norm = Math.sqrt(dot(dr, dr));
    const shrink = norm > o.maxstep ? o.maxstep / norm : 1;
    const r = optimizable.getPositions();
    for (let k = 0; k < r.length; k++) r[k] = r[k]! + shrink * dr[k]!;
    optimizable.setPositions(r);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let t = 0;
  for (let k = 0; k < a.length; k++) t += a[k]! * b[k]!;
  return t;
}

/** Drops keys whose value is undefined, so they do not override defaults. @internal */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
