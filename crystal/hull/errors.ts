/**
 * Errors raised by the thermodynamics module. All of them mean "the input cannot be analysed as
 * given" and are not worth retrying; {@link HullSolverError} is the one exception (a solver
 * failure on valid input, which is a bug).
 */

/** Base class of every error thrown from `crystal/hull`. */
export class HullError extends Error {
  override name = 'HullError';
}

/**
 * Raised when an entry, composition or energy is malformed: no entries at all, an amount that is
 * negative or not finite, an empty composition, or an energy that is not a finite number.
 */
export class HullInputError extends HullError {
  override name = 'HullInputError';
  constructor(
    message: string,
    /** The entry id at fault, when the problem belongs to one entry. */
    readonly entryId: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Raised when an element has no reference: a formation energy needs an elemental reference energy
 * for every element of the composition, a phase diagram needs an elemental (terminal) entry for
 * every element it spans, and a hull query may only use the diagram's elements.
 */
export class MissingReferenceError extends HullError {
  override name = 'MissingReferenceError';
  constructor(
    message: string,
    /** The element symbol that lacks a reference. */
    readonly element: string,
  ) {
    super(message);
  }
}

/** Raised by {@link parseFormula} for text that is not a chemical formula. */
export class FormulaParseError extends HullError {
  override name = 'FormulaParseError';
  constructor(
    message: string,
    readonly formula: string,
    /** Zero-based character offset where parsing failed. */
    readonly position: number,
  ) {
    super(message);
  }
}

/**
 * Raised when HiGHS does not report an optimal solution for a hull LP. The LP is always feasible
 * and bounded once the elemental entries are present, so this indicates a bug or a numerical
 * breakdown, not bad input.
 */
export class HullSolverError extends HullError {
  override name = 'HullSolverError';
  constructor(
    message: string,
    /** HiGHS model status code (`highs.constants.modelStatus`). */
    readonly modelStatus: number,
  ) {
    super(message);
  }
}
