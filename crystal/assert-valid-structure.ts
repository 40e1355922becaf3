/**
 * The one gate every entry point that takes structures goes through (`matdisc predict`, `relax`,
 * `match`, `dft`, the DFT engines, and `MlipModel.predict` as a last guard): {@link checkValidity}
 * with named limits, turned into an error that says which file and structure, what is wrong and
 * which limit it broke, so bad input is refused before anything slow or meaningless runs.
 */
import { Structure } from './structure.js';
import { checkValidity, type ValidityOptions, type ValidityReason } from './validity.js';

/**
 * Limits on a structure given to matdisc by a user (a file, a DFT job): the DFT engines' bounds.
 * 0.5 Å is well below any bond (H₂ is 0.74 Å); 1..1000 Å³ per atom spans compressed solids to
 * molecules in a box; a cell narrower than 1e-3 of its longest vector is numerically flat.
 */
export const STRUCTURE_INPUT_LIMITS: Readonly<Required<ValidityOptions>> = Object.freeze({
  minDistance: 0.5,
  minVolumePerAtom: 1,
  maxVolumePerAtom: 1000,
  minWidthRatio: 1e-3,
});

/**
 * What a potential needs to give finite numbers in bounded time, and nothing more (relaxations and
 * isolated atoms in large boxes pass): finite numbers, a cell that is not flat, and no two atoms
 * within 0.1 Å (coinciding atoms make the edge direction, and so every force, NaN).
 */
export const COMPUTABLE_LIMITS: Readonly<Required<ValidityOptions>> = Object.freeze({
  minDistance: 0.1,
  minVolumePerAtom: 0,
  maxVolumePerAtom: Infinity,
  minWidthRatio: 1e-3,
});

/** Raised by {@link assertValidStructure}: a structure that fails a validity check. */
export class InvalidStructureError extends Error {
  override readonly name = 'InvalidStructureError';
  constructor(
    message: string,
    /** Every failed check, with its stable code. */
    readonly reasons: readonly ValidityReason[],
    /** The file (or other label) the structure came from, when known. */
    readonly source: string | undefined,
    /** Index of the structure in its file or batch, when there are several. */
    readonly index: number | undefined,
  ) {
    super(message);
  }
}

/** Options of {@link assertValidStructure}. */
export interface AssertValidOptions {
  /** Thresholds (default {@link STRUCTURE_INPUT_LIMITS}). */
  readonly limits?: ValidityOptions;
  /** File name or label quoted in the message. */
  readonly source?: string;
  /** Index of the structure in its file or batch, quoted in the message. */
  readonly index?: number;
}

/**
 * Throws {@link InvalidStructureError} when `s` fails {@link checkValidity} under `limits`.
 *
 * ```ts
 * assertValidStructure(twoAtomsAtTheOrigin, { source: 'dup.cif' });
 * // InvalidStructureError: dup.cif: invalid structure (Si2): too_close: atoms 0 (Si) and 1 (Si)
 * //   are 0.000 Å apart, closer than 0.5 Å (minDistance; 1 such pairs)
 * ```
 */
export function assertValidStructure(s: Structure, options: AssertValidOptions = {}): void {
  const result = checkValidity(s, options.limits ?? STRUCTURE_INPUT_LIMITS);
  if (result.valid) return;
  const where = [options.source, options.index !== undefined ? `structure ${options.index}` : undefined]
    .filter(Boolean)
    .join(', ');
  const formula = safeFormula(s);
  const what = result.reasons.map((r) => `${r.code}: ${r.message}`).join('; ');
  throw new InvalidStructureError(
    `${where ? `${where}: ` : ''}invalid structure${formula ? ` (${formula})` : ''}: ${what}`,
    result.reasons,
    options.source,
    options.index,
  );
}

/** The reduced formula, or '' when the species are too broken to have one. */
function safeFormula(s: Structure): string {
  try {
    return Structure.reducedFormula(s);
  } catch {
    return '';
  }
}
