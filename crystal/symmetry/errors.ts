/**
 * Errors raised by `crystal/symmetry`. Each carries a stable code (closed set, D9) so callers can
 * count and filter failures; every one means "this structure cannot be analysed as given" and is
 * not worth retrying with the same input and tolerance.
 */

/** Why a symmetry analysis failed. */
export const SymmetryErrorCode = {
  /** A lattice entry or a fractional coordinate is NaN or infinite. */
  NonFinite: 'non_finite',
  /** A species is not an element symbol H..Pu. */
  UnknownElement: 'unknown_element',
  /** The lattice has (numerically) zero volume. */
  DegenerateLattice: 'degenerate_lattice',
  /** Two atoms (or an atom and its own periodic image) closer than symprec. */
  OverlappingAtoms: 'overlapping_atoms',
  /** moyo returned an error (or its WebAssembly trapped) on an input that passed the checks above. */
  MoyoFailed: 'moyo_failed',
  /** moyo's WebAssembly file could not be found or instantiated. */
  MoyoUnavailable: 'moyo_unavailable',
} as const;
export type SymmetryErrorCode = (typeof SymmetryErrorCode)[keyof typeof SymmetryErrorCode];

/** Raised by `spaceGroupOf` and `symmetrize` for a structure they cannot analyse. */
export class SymmetryError extends Error {
  override readonly name = 'SymmetryError';
  constructor(
    readonly code: SymmetryErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
