/**
 * Turns a raw sample into a checked structure: coordinates wrapped into [0, 1), the cell
 * Niggli-reduced, and `checkValidity` run with its reasons. An invalid sample is kept with every
 * reason (never dropped), so callers can count and explain rejections.
 */
import { det3, norm } from '../../crystal/lattice.js';
import { perpendicularWidths } from '../../crystal/neighbor-list.js';
import { Structure } from '../../crystal/structure.js';
import { checkValidity, ValidityCode, type ValidityOptions } from '../../crystal/validity.js';
import type { RawSample } from './sample.js';

/** Reasons a generated sample is invalid: `checkValidity`'s codes plus the Niggli failure. */
export const SampleInvalidCode = { ...ValidityCode, NiggliFailed: 'niggli_failed' } as const;
export type SampleInvalidCode = (typeof SampleInvalidCode)[keyof typeof SampleInvalidCode];

export interface SampleInvalidReason {
  readonly code: SampleInvalidCode;
  readonly message: string;
}

/** A generated structure with its validity. */
export interface GeneratedSample {
  /** Position in the request. */
  readonly index: number;
  /** The structure: Niggli-reduced when the cell allowed it, as sampled otherwise. */
  readonly structure: Structure;
  readonly valid: boolean;
  readonly reasons: readonly SampleInvalidReason[];
}

/**
 * Below this perpendicular width (Å) of the Niggli cell the periodic distance check would visit
 * about (minDistance / width)³ images. When the shortest lattice vector (the Niggli cell's
 * shortest row) is below minDistance too, the too-close reason is stated from it directly (an atom
 * is that far from its own image) instead of walking the images.
 */
const MIN_WIDTH_FOR_DISTANCE_CHECK = 0.05;

/** Wraps, Niggli-reduces and checks one raw sample (validity defaults: 0.5 Å, 1..300 Å³/atom). */
export function finishSample(raw: RawSample, options: ValidityOptions = {}): GeneratedSample {
  const index = raw.plan.index;
  const s = Structure.create(raw.lattice, raw.species, raw.fracCoords);
  const done = (structure: Structure, reasons: readonly SampleInvalidReason[]): GeneratedSample =>
    Object.freeze({ index, structure, valid: reasons.length === 0, reasons: Object.freeze([...reasons]) });

  const finite =
    s.lattice.every((r) => r.every(Number.isFinite)) && s.fracCoords.every((f) => f.every(Number.isFinite));
  if (!finite || !(Math.abs(det3(s.lattice)) > 1e-8)) return done(s, checkValidity(s, options).reasons);

  let reduced: Structure;
  try {
    reduced = Structure.niggli(s);
  } catch (err) {
    const rest = checkValidity(s, { ...options, minDistance: 0 }).reasons;
    return done(s, [{ code: SampleInvalidCode.NiggliFailed, message: (err as Error).message }, ...rest]);
  }
  const minDistance = options.minDistance ?? 0.5;
  if (Math.min(...perpendicularWidths(reduced.lattice)) >= MIN_WIDTH_FOR_DISTANCE_CHECK) {
    return done(reduced, checkValidity(reduced, options).reasons);
  }
  const shortest = Math.min(...reduced.lattice.map(norm));
  if (!(minDistance > 0 && shortest < minDistance))
    return done(reduced, checkValidity(reduced, options).reasons);
  const reasons: SampleInvalidReason[] = [...checkValidity(reduced, { ...options, minDistance: 0 }).reasons];
  if (!reasons.some((r) => r.code === ValidityCode.DegenerateLattice)) {
    reasons.push({
      code: SampleInvalidCode.TooClose,
      message:
        `atom 0 (${reduced.species[0]}) and its own periodic image are ${shortest.toFixed(3)} Å apart, ` +
        `closer than ${minDistance} Å (the shortest lattice vector)`,
    });
  }
  return done(reduced, reasons);
}
