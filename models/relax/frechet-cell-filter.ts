/**
 * FrechetCellFilter: relax atoms and cell together, as ASE's `ase.filters.FrechetCellFilter`.
 *
 * The cell is L = L0 · Fᵀ for a deformation gradient F of the reference cell L0 (rows are
 * vectors), and positions are x = z · Fᵀ for undeformed positions z, so atoms and cell move
 * together. The generalized coordinates are z (N rows) and c · log F (3 rows), with c the
 * `expCellFactor` (default N, so a cell row moves like an atom). Their generalized forces are
 *
 *   atoms:  f_z = f · F                       (f = −dE/dx)
 *   cell:   f_U = L*(U, virial · F⁻ᵀ) / c      (U = log F, virial = −V (σ + p I))
 *
 * where L*(U, G)_μν = Σ_ab [L(U, e_μν)]_ab G_ab contracts the Fréchet derivative of exp at U
 * with G; ASE sums the nine directions, we use the adjoint identity L*(U, G) = L(Uᵀ, G) (one 6×6
 * exponential). These are the exact derivatives of E + pV, so FIRE, which only needs forces,
 * and the finite-difference tests both see a consistent energy landscape.
 *
 * Log-parametrising the cell follows C. Ortner's JuLIP.jl `expcell`; ASE 3.23 fixed its cell
 * gradient with the Fréchet derivative (derivation: github.com/lan496/lan496.github.io, notes/cell_grad.pdf).
 * Unlike ASE we keep U itself instead of re-reading log F from the cell, which is the same
 * for the principal logarithm; a new filter takes its starting cell as the reference (F = I).
 */
import { det3, inverse3, type Mat3 } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import type { Evaluation } from './evaluation.js';
import { expm, expmFrechet } from './matrix-exp.js';
import { fractional, type Optimizable } from './optimizable.js';

/** Options of {@link FrechetCellFilter} (ASE's names, in camelCase). */
export interface FrechetCellFilterOptions {
  /** Scale of the cell coordinates (ASE `exp_cell_factor`); default the number of atoms. */
  readonly expCellFactor?: number;
  /** External pressure, eV/Å³: the objective becomes the enthalpy E + pV. Default 0. */
  readonly scalarPressure?: number;
}

export class FrechetCellFilter implements Optimizable {
  readonly #cell0: Mat3;
  readonly #species: readonly string[];
  readonly #inv0: Mat3;
  readonly #factor: number;
  readonly #pressure: number;
  /** z (N×3) then c·U (3×3), row-major. */
  #x: Float64Array;
  /** F = exp(U), row-major (cached with #x). */
  #deform: Float64Array;

  constructor(structure: Structure, options: FrechetCellFilterOptions = {}) {
    const n = structure.species.length;
    this.#cell0 = structure.lattice;
    this.#species = structure.species;
    this.#inv0 = inverse3(structure.lattice);
    this.#factor = options.expCellFactor ?? n;
    this.#pressure = options.scalarPressure ?? 0;
    if (!(this.#factor > 0)) throw new RangeError(`expCellFactor must be > 0, got ${this.#factor}`);
    this.#x = new Float64Array(3 * (n + 3));
    this.#x.set(Structure.cartCoords(structure).flat());
    this.#deform = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  }

  get nRows(): number {
    return this.#species.length + 3;
  }

  /** The deformation gradient F (row-major 3×3) of the current cell against the reference. */
  deformationGradient(): Float64Array {
    return this.#deform.slice();
  }

  getPositions(): Float64Array {
    return this.#x.slice();
  }

  setPositions(x: Float64Array): void {
    if (x.length !== this.#x.length)
      throw new RangeError(`expected ${this.#x.length} coordinates, got ${x.length}`);
    this.#x = x.slice();
    this.#deform = expm(this.#logDeform(), 3);
  }

  /** The current cell L0 · Fᵀ (rows are vectors). */
  cell(): Mat3 {
    const F = this.#deform;
    const L0 = this.#cell0;
    return L0.map((row) =>
      [0, 1, 2].map((c) => row[0] * F[c * 3]! + row[1] * F[c * 3 + 1]! + row[2] * F[c * 3 + 2]!),
    ) as unknown as Mat3;
  }

  structure(): Structure {
    // Fractional coordinates do not depend on F: x · L⁻¹ = z · Fᵀ · F⁻ᵀ · L0⁻¹ = z · L0⁻¹.
    const n = this.#species.length;
    return Structure.create(this.cell(), this.#species, fractional(this.#x.subarray(0, 3 * n), this.#inv0));
  }

  energy(evaluation: Evaluation): number {
    return evaluation.energyEv + this.#pressure * Math.abs(det3(this.cell()));
  }

  forces(evaluation: Evaluation): Float64Array {
    const n = this.#species.length;
    const F = this.#deform;
    const volume = Math.abs(det3(this.cell()));
    const s = evaluation.stressEvPerA3;
    const p = this.#pressure;
    const virial = new Float64Array(9);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) virial[3 * a + b] = -volume * (s[a]![b]! + (a === b ? p : 0));
    }
    const out = new Float64Array(3 * (n + 3));
    evaluation.forcesEvPerA.forEach((f, i) => {
      for (let c = 0; c < 3; c++) out[3 * i + c] = f[0] * F[c]! + f[1] * F[3 + c]! + f[2] * F[6 + c]!;
    });
    // virial · F⁻ᵀ: (F⁻ᵀ)_kb = (F⁻¹)_bk
    const fInv = inverse3([
      [F[0]!, F[1]!, F[2]!],
      [F[3]!, F[4]!, F[5]!],
      [F[6]!, F[7]!, F[8]!],
    ]);
    const ucf = new Float64Array(9);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let t = 0;
        for (let k = 0; k < 3; k++) t += virial[3 * a + k]! * fInv[b]![k]!;
        ucf[3 * a + b] = t;
      }
    }
    const u = this.#logDeform();
    const uT = Float64Array.of(u[0]!, u[3]!, u[6]!, u[1]!, u[4]!, u[7]!, u[2]!, u[5]!, u[8]!);
    const cellForce = expmFrechet(uT, ucf);
    for (let k = 0; k < 9; k++) out[3 * n + k] = cellForce[k]! / this.#factor;
    return out;
  }

  #logDeform(): Float64Array {
    const n = this.#species.length;
    return this.#x.slice(3 * n).map((v) => v / this.#factor);
  }
}
