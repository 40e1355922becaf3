/**
 * Named tolerances of the thermodynamics module (STYLE D6: pymatgen's PhaseDiagram names its
 * `numerical_tol` and `formation_energy_tol` the same way). Energies in eV/atom, fractions are
 * atom fractions (dimensionless).
 */

/**
 * An entry whose energy above the hull is at most this is stable (eV/atom). It sits two orders of
 * magnitude above the LP's own accuracy ({@link LP_FEASIBILITY_TOL}) and far below any DFT error.
 */
export const STABILITY_TOL_EV_PER_ATOM = 1e-8;

/** Decomposition products whose atom fraction is at most this are dropped (dimensionless). */
export const DECOMPOSITION_FRACTION_TOL = 1e-8;

/**
 * Two compositions whose atom fractions agree to this many decimal places are the same point of
 * the phase diagram (so A1B2 and A2B4 coincide despite rounding in 1/3 vs 2/6).
 */
export const COMPOSITION_KEY_DECIMALS = 10;

/**
 * Primal and dual feasibility tolerance handed to HiGHS (the smallest it accepts; its default is
 * 1e-7). The dual tolerance bounds how far a reported optimum can sit above the true minimum:
 * reduced costs down to -tol are accepted and the weights sum to 1, so the hull energy is exact to
 * about this many eV/atom.
 */
export const LP_FEASIBILITY_TOL = 1e-10;
