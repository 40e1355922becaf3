/**
 * Thermodynamic stability: formation energies, the convex hull of formation energy over
 * composition, energies above the hull and decomposition products, for any number of elements.
 *
 * The module takes the least it needs (STYLE D6): a {@link PDEntry} is an id, a composition
 * (element -> atoms, {@link CompositionMap}) and the total energy of that amount (eV). Energies per
 * atom are eV/atom and carry `PerAtom` in their names. The hull is solved as a linear program with
 * HiGHS (see `hull-lp.ts` for the formulation and `phase-diagram.ts` for citations); building is
 * async because HiGHS is WebAssembly, queries are synchronous.
 *
 * @example
 * import { PDEntry, PhaseDiagram, parseFormula } from './crystal/hull/index.js';
 *
 * // Formation energies (eV/atom) with the elements at 0:
 * const entry = (formula: string, ef: number) => PDEntry.fromEnergyPerAtom(formula, parseFormula(formula), ef);
 * const a2b = entry('A2B', -0.6); // the A-AB tie line is at -2/3 here, so 1/15 eV/atom above it
 * const pd = await PhaseDiagram.build([entry('A', 0), entry('B', 0), entry('AB', -1), a2b]);
 *
 * pd.eAboveHull(a2b); // 0.0667 = -0.6 - (-2/3)
 * pd.decomposition({ A: 2, B: 1 }); // [{ entry: AB, fraction: 2/3 }, { entry: A, fraction: 1/3 }]
 * pd.stableEntries().map((e) => e.id); // ['A', 'B', 'AB']
 * pd.hullEnergyPerAtom({ A: 1, B: 3 }); // -0.5, halfway along the AB-B tie line
 *
 * The same numbers are checked in test/crystal/hull/phase-diagram.test.ts ("binary A-B").
 */

export { CompositionMap } from './composition-map.js';
export {
  FormulaParseError,
  HullError,
  HullInputError,
  HullSolverError,
  MissingReferenceError,
} from './errors.js';
export { type ElementalReferences, formationEnergyPerAtom } from './formation-energy.js';
export { parseFormula } from './formula.js';
export { PDEntry } from './pd-entry.js';
export { type DecompositionProduct, PhaseDiagram } from './phase-diagram.js';
export {
  COMPOSITION_KEY_DECIMALS,
  DECOMPOSITION_FRACTION_TOL,
  LP_FEASIBILITY_TOL,
  STABILITY_TOL_EV_PER_ATOM,
} from './tolerances.js';
