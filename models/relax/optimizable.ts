/**
 * What an optimizer moves: generalized positions and forces, in rows of three (ASE's
 * `Optimizable`). {@link OptimizableAtoms} moves the atoms in a fixed cell; `FrechetCellFilter`
 * adds three rows for the cell, so FIRE relaxes both without knowing the difference.
 */
import { inverse3, type Mat3 } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import type { Evaluation } from './evaluation.js';

export interface Optimizable {
  /** Number of rows of three (atoms, plus three for a cell filter). */
  readonly nRows: number;
  /** A copy of the generalized positions, nRows×3 row-major. */
  getPositions(): Float64Array;
  /** Moves to new generalized positions (nRows×3). */
  setPositions(x: Float64Array): void;
  /** The physical structure at the current positions (what the potential evaluates). */
  structure(): Structure;
  /** Generalized forces (nRows×3) from an evaluation of {@link structure}. */
  forces(evaluation: Evaluation): Float64Array;
  /** The objective minimized: the energy, plus pV for a cell filter under pressure (eV). */
  energy(evaluation: Evaluation): number;
}

/** Atoms in a fixed cell: positions are Cartesian (Å, unwrapped), forces are the atomic forces. */
export class OptimizableAtoms implements Optimizable {
  readonly #lattice: Mat3;
  readonly #species: readonly string[];
  readonly #inverse: Mat3;
  #x: Float64Array;

  constructor(structure: Structure) {
    this.#lattice = structure.lattice;
    this.#species = structure.species;
    this.#inverse = inverse3(structure.lattice);
    this.#x = Float64Array.from(Structure.cartCoords(structure).flat());
  }

  get nRows(): number {
    return this.#species.length;
  }

  getPositions(): Float64Array {
    return this.#x.slice();
  }

  setPositions(x: Float64Array): void {
    if (x.length !== this.#x.length)
      throw new RangeError(`expected ${this.#x.length} coordinates, got ${x.length}`);
    this.#x = x.slice();
  }

  structure(): Structure {
    return Structure.create(this.#lattice, this.#species, fractional(this.#x, this.#inverse));
  }

  forces(evaluation: Evaluation): Float64Array {
    return Float64Array.from(evaluation.forcesEvPerA.flat());
  }

  energy(evaluation: Evaluation): number {
    return evaluation.energyEv;
  }
}

/** Row vectors x (n×3) -> fractional f = x · inv. @internal */
export function fractional(x: Float64Array, inv: Mat3): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < x.length / 3; i++) {
    const [a, b, c] = [x[3 * i]!, x[3 * i + 1]!, x[3 * i + 2]!];
    out.push([
      a * inv[0][0] + b * inv[1][0] + c * inv[2][0],
      a * inv[0][1] + b * inv[1][1] + c * inv[2][1],
      a * inv[0][2] + b * inv[1][2] + c * inv[2][2],
    ]);
  }
  return out;
}
