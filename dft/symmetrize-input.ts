/**
 * The cell a DFT calculation of a candidate is given: the MLIP-relaxed cell refined to the space
 * group found at `symprecA` (0.1 Å, the tolerance of `structures.space_group_number`) and
 * standardised to its primitive cell (`crystal/symmetry`'s `symmetrize`), so the DFT code finds the
 * symmetry, reduces the k-points to the irreducible wedge and works on the fewest atoms.
 *
 * Guarded: the relaxed cell is kept as it is, with the reason, when
 * - moyo cannot analyse it (`symmetry_error`), or it has no symmetry beyond the identity
 *   (`p1`: a standardised P1 cell is only a change of basis, so nothing is gained);
 * - the refined cell has another composition (`composition_changed`) or is not a whole fraction of
 *   the relaxed one;
 * - the structure matcher (no volume scaling; each relaxed site paired with a site of the refined
 *   cell repeated to the relaxed cell's size) does not find the two the same crystal, or refuses
 *   the comparison as too large (`no_match`), or an atom moves more than `maxDisplacementA` after
 *   matching (`displacement`),
 *   or the volume per atom changes by more than `maxVolumeChange` (`volume`);
 * - the refined cell does not have the group at a tight tolerance (`refinement_inexact`).
 *
 * Deterministic (moyo and the matcher are), so a retried step derives the same cell.
 *
 * ```ts
 * const { structure, record } = symmetrizedDftInput(relaxed);
 * // record: { status: 'symmetrized', spaceGroupNumber: 225, sitesBefore: 8, sitesAfter: 2, maxDisplacementA: 0.043, … }
 * ```
 */
import { MatcherLimitError, StructureMatcher } from '../crystal/matcher/index.js';
import { Structure } from '../crystal/structure.js';
import { spaceGroupOf, symmetrize, SymmetryError, type SpaceGroup } from '../crystal/symmetry/index.js';

/** Why the relaxed cell was kept (closed set, for counting). */
export type InputSymmetrizationReason =
  | 'p1'
  | 'symmetry_error'
  | 'composition_changed'
  | 'no_match'
  | 'displacement'
  | 'volume'
  | 'refinement_inexact';

/** What was done to the cell before DFT, as stored in `dft_calculations.input_symmetrization`. */
export interface InputSymmetrization {
  /** 'symmetrized': the DFT got the refined primitive cell; 'kept': the relaxed cell as it is. */
  readonly status: 'symmetrized' | 'kept';
  /** Null when symmetrized. */
  readonly reason: InputSymmetrizationReason | null;
  /** One line for reviewers: what was done, or why not. */
  readonly note: string;
  /** Requested tolerance, Å. */
  readonly symprecA: number;
  /** The tolerance moyo used, Å (larger when its search failed at the requested one); null if it failed. */
  readonly usedSymprecA: number | null;
  readonly spaceGroupNumber: number | null;
  readonly spaceGroupSymbol: string | null;
  readonly sitesBefore: number;
  readonly sitesAfter: number;
  /** Largest site displacement between the relaxed and the refined cell after matching, Å. */
  readonly maxDisplacementA: number | null;
  /** RMS of those displacements, Å. */
  readonly rmsDisplacementA: number | null;
  /** Relative change of the volume per atom, refined vs relaxed. */
  readonly volumeChange: number | null;
}

export interface SymmetrizeInputOptions {
  /** Symmetry tolerance, Å. Default 0.1 (as `structures.space_group_number`). */
  readonly symprecA?: number;
  /** Largest site displacement allowed after matching, Å. Default 0.1. */
  readonly maxDisplacementA?: number;
  /** Largest relative change of the volume per atom. Default 0.02. */
  readonly maxVolumeChange?: number;
}

export interface SymmetrizedInput {
  /** The cell to give the DFT code: the refined one, or the input itself when kept. */
  readonly structure: Structure;
  readonly record: InputSymmetrization;
}

export const DEFAULT_INPUT_SYMPREC_A = 0.1;
export const DEFAULT_MAX_DISPLACEMENT_A = 0.1;
export const DEFAULT_MAX_VOLUME_CHANGE = 0.02;
/** Tolerance at which the refined cell must still show its group, Å. */
const REFINED_SYMPREC_A = 1e-4;

/**
 * The relaxed cell `s` refined to its space group and standardised to the primitive cell, or `s`
 * itself with the reason when a guard refuses (see the module doc). Never throws a
 * {@link SymmetryError}: it becomes `reason: 'symmetry_error'`.
 */
export function symmetrizedDftInput(s: Structure, options: SymmetrizeInputOptions = {}): SymmetrizedInput {
  const symprecA = options.symprecA ?? DEFAULT_INPUT_SYMPREC_A;
  const maxDisplacementA = options.maxDisplacementA ?? DEFAULT_MAX_DISPLACEMENT_A;
  const maxVolumeChange = options.maxVolumeChange ?? DEFAULT_MAX_VOLUME_CHANGE;
  const n = s.species.length;
  const base = {
    symprecA,
    usedSymprecA: null,
    spaceGroupNumber: null,
    spaceGroupSymbol: null,
    sitesBefore: n,
    sitesAfter: n,
    maxDisplacementA: null,
    rmsDisplacementA: null,
    volumeChange: null,
  } satisfies Partial<InputSymmetrization>;
  const kept = (
    reason: InputSymmetrizationReason,
    why: string,
    extra: Partial<InputSymmetrization> = {},
  ): SymmetrizedInput => ({
    structure: s,
    record: {
      ...base,
      ...extra,
      sitesAfter: n,
      status: 'kept',
      reason,
      note: `kept the relaxed cell: ${why}`,
    },
  });

  let group: SpaceGroup;
  let refined: Structure;
  try {
    group = spaceGroupOf(s, { symprecA });
    if (group.number === 1) {
      return kept('p1', `space group P1 at symprec ${symprecA} Å, no symmetry to use`, {
        usedSymprecA: group.symprecA,
        spaceGroupNumber: 1,
        spaceGroupSymbol: group.symbol,
      });
    }
    refined = symmetrize(s, { symprecA, cell: 'primitive' });
  } catch (err) {
    if (!(err instanceof SymmetryError)) throw err;
    return kept('symmetry_error', `moyo failed (${err.code}): ${err.message}`);
  }
  const found = {
    usedSymprecA: group.symprecA,
    spaceGroupNumber: group.number,
    spaceGroupSymbol: group.symbol,
  };
  const label = `${group.symbol} (${group.number})`;
  const m = refined.species.length;

  const before = Structure.composition(s);
  const after = Structure.composition(refined);
  const sameComposition =
    n % m === 0 &&
    before.size === after.size &&
    [...before].every(([el, count]) => (after.get(el) ?? 0) * (n / m) === count);
  if (!sameComposition)
    return kept(
      'composition_changed',
      `refining to ${label} gave ${Structure.reducedFormula(refined)} in ${m} sites from ` +
        `${Structure.reducedFormula(s)} in ${n}`,
      found,
    );

  const volumeChange = Structure.volumePerAtom(refined) / Structure.volumePerAtom(s) - 1;
  // Every site of the relaxed cell paired with one of the refined cell repeated to its size (not
  // both reduced to primitive cells, which would average the images of a supercell's sites and
  // hide their displacements), without volume scaling.
  const matcher = new StructureMatcher({
    ltol: 0.2,
    stol: 0.3,
    angleTol: 5,
    scale: false,
    primitiveCell: false,
    attemptSupercell: true,
  });
  let dist;
  try {
    dist = matcher.rmsDist(s, refined);
  } catch (err) {
    if (!(err instanceof MatcherLimitError)) throw err;
    return kept('no_match', `the structure matcher refused the comparison: ${err.message}`, {
      ...found,
      volumeChange,
    });
  }
  if (!dist)
    return kept(
      'no_match',
      `the structure matcher does not find the ${label} cell equal to the relaxed one`,
      {
        ...found,
        volumeChange,
      },
    );
  // The matcher normalises displacements by (V/N)^⅓.
  const unit = Structure.volumePerAtom(refined) ** (1 / 3);
  const moved = {
    ...found,
    volumeChange,
    maxDisplacementA: dist.maxDist * unit,
    rmsDisplacementA: dist.rms * unit,
  };
  if (moved.maxDisplacementA > maxDisplacementA)
    return kept(
      'displacement',
      `refining to ${label} moves an atom ${moved.maxDisplacementA.toFixed(3)} Å, more than ${maxDisplacementA} Å`,
      moved,
    );
  if (Math.abs(volumeChange) > maxVolumeChange)
    return kept(
      'volume',
      `refining to ${label} changes the volume per atom by ${(100 * volumeChange).toFixed(2)} %, ` +
        `more than ${(100 * maxVolumeChange).toFixed(2)} %`,
      moved,
    );
  let check: number | null = null;
  try {
    check = spaceGroupOf(refined, { symprecA: REFINED_SYMPREC_A }).number;
  } catch (err) {
    if (!(err instanceof SymmetryError)) throw err;
  }
  if (check !== group.number)
    return kept(
      'refinement_inexact',
      `the refined cell shows group ${check ?? 'none'} at ${REFINED_SYMPREC_A} Å, not ${group.number}`,
      moved,
    );
  return {
    structure: refined,
    record: {
      ...base,
      ...moved,
      status: 'symmetrized',
      reason: null,
      sitesAfter: m,
      note:
        `symmetrized to ${label} at symprec ${symprecA} Å: ${n} → ${m} sites, atoms moved ≤ ` +
        `${moved.maxDisplacementA.toFixed(3)} Å, volume per atom ${volumeChange >= 0 ? '+' : ''}${(100 * volumeChange).toFixed(2)} %`,
    },
  };
}
