/**
 * The convex-hull linear program. For a target composition with atom fractions c_el, the lower
 * convex hull of formation energy over the candidate phases k (atom fractions a_el,k, formation
 * energy e_k per atom) is
 *
 *   E_hull(c) = min_x  sum_k x_k e_k
 *               s.t.   sum_k a_el,k x_k = c_el   for every element el of the target
 *                      x_k >= 0
 *
 * x_k is the fraction of the target's atoms held in phase k; summing the element rows shows
 * sum_k x_k = 1, so the minimum is over convex combinations. A simplex solve ends at a basic
 * solution, with at most one nonzero x_k per element: that is the decomposition into phases that
 * coexist at c. Phases containing an element absent from the target would need x_k = 0, so they
 * are left out of the LP. This is the grand-canonical linear programming (GCLP) formulation of
 * Akbarzadeh, Ozoliņš & Wolverton, Adv. Mater. 19, 3233 (2007), doi:10.1002/adma.200700843, at
 * zero chemical potential of every element.
 *
 * One {@link HullLp} holds a HiGHS model over a fixed set of phases and re-solves it per target by
 * changing only the row bounds, so each solve warm-starts from the previous basis.
 */

import highsModule from 'highs';
import type { Highs, Model, SymbolDisposable } from 'highs';
import type { CompositionMap } from './composition-map.js';
import { HullSolverError } from './errors.js';
import { LP_FEASIBILITY_TOL } from './tolerances.js';

/** One candidate phase of the LP. */
export interface HullLpPhase {
  /** Atom fractions (sum 1). */
  readonly fractions: CompositionMap;
  /** Formation energy (eV/atom). */
  readonly formationEnergyPerAtom: number;
}

/** Minimum of the LP and the phase fractions that reach it. */
export interface HullLpSolution {
  /** Hull formation energy at the target (eV/atom). */
  readonly formationEnergyPerAtom: number;
  /** x_k per phase, in the order the phases were given (atom fractions, sum 1). */
  readonly fractions: Float64Array;
}

type HighsLoader = () => Promise<Highs>;

// highs ships one CommonJS-typed .d.ts for both of its builds, so under NodeNext TypeScript types
// this default import as the CommonJS exports object `{ default: loader }`, while Node, tsx and
// Vite load build/highs.mjs, whose default export is the loader itself. Accept either.
const highsLoader: HighsLoader =
  typeof highsModule === 'function'
    ? (highsModule as HighsLoader)
    : (highsModule as unknown as { default: HighsLoader }).default;

let highsPromise: Promise<Highs> | null = null;

/** The HiGHS WebAssembly instance, loaded once per process. */
export function loadHighs(): Promise<Highs> {
  // A failed load is not cached, so a later build can retry it.
  highsPromise ??= highsLoader().catch((err: unknown) => {
    highsPromise = null;
    throw err;
  });
  return highsPromise;
}

/** @internal A HiGHS model over a fixed list of phases and elements; call {@link dispose}. */
export class HullLp {
  readonly #highs: Highs;
  readonly #elements: readonly string[];
  readonly #phases: readonly HullLpPhase[];
  readonly #model: SymbolDisposable<Model>;

  /**
   * Phases may contain elements outside `elements` only if no target will ask for them; the
   * caller filters (see the module doc).
   */
  constructor(highs: Highs, elements: readonly string[], phases: readonly HullLpPhase[]) {
    this.#highs = highs;
    this.#elements = elements;
    this.#phases = phases;
    const row = new Map(elements.map((element, i) => [element, i]));
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const phase of phases) {
      for (const [element, fraction] of Object.entries(phase.fractions)) {
        const i = row.get(element);
        if (i === undefined)
          throw new Error(`HullLp: a phase contains ${element}, which is not one of the LP's rows`);
        indices.push(i);
        values.push(fraction);
      }
      starts.push(indices.length);
    }
    const zeros = new Float64Array(elements.length);
    this.#model = highs.createModel({
      numCols: phases.length,
      numRows: elements.length,
      colCost: phases.map((phase) => phase.formationEnergyPerAtom),
      colLower: new Float64Array(phases.length),
      colUpper: new Float64Array(phases.length).fill(highs.infinity),
      rowLower: zeros,
      rowUpper: zeros,
      matrix: { format: 'csc', numRows: elements.length, numCols: phases.length, starts, indices, values },
    });
    this.#model.options.set({
      output_flag: false,
      solver: 'simplex',
      primal_feasibility_tolerance: LP_FEASIBILITY_TOL,
      dual_feasibility_tolerance: LP_FEASIBILITY_TOL,
    });
  }

  /** Solves for a target given as atom fractions over this LP's elements (others must be 0). */
  solve(target: CompositionMap): HullLpSolution {
    const bounds = this.#elements.map((element) => target[element] ?? 0);
    this.#model.changeRowsBounds({ kind: 'range', from: 0, to: bounds.length - 1 }, bounds, bounds);
    this.#model.run();
    const status = this.#model.getModelStatus();
    if (status !== this.#highs.constants.modelStatus.optimal) {
      throw new HullSolverError(`hull LP ended with HiGHS model status ${status}, not optimal`, status);
    }
    const fractions = Float64Array.from(this.#model.getSolution().colValue, (x) => Math.max(x, 0));
    // Recompute the objective from the clipped solution rather than trusting the solver's sum.
    let energy = 0;
    fractions.forEach((x, k) => (energy += x * (this.#phases[k]?.formationEnergyPerAtom ?? 0)));
    return { formationEnergyPerAtom: energy, fractions };
  }

  /** Frees the model's WebAssembly memory (garbage collection does not). */
  dispose(): void {
    this.#model.dispose();
  }

  /** Builds an LP, solves one target and frees it: for one-off queries over a few phases. */
  static solveOnce(
    highs: Highs,
    elements: readonly string[],
    phases: readonly HullLpPhase[],
    target: CompositionMap,
  ): HullLpSolution {
    const lp = new HullLp(highs, elements, phases);
    try {
      return lp.solve(target);
    } finally {
      lp.dispose();
    }
  }
}
