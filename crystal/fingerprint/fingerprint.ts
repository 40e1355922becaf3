/**
 * A fixed-length structure fingerprint for pgvector (`vector(128)`), used only as a cheap
 * pre-filter before {@link StructureMatcher}: candidates whose fingerprints are farther apart than
 * {@link FINGERPRINT_THRESHOLD} (Euclidean, pgvector's `<->`) are not sent to the matcher.
 *
 * Layout (128 float32):
 *
 * | slots | block | content |
 * |---|---|---|
 * | 0-95 | radial | 6 role-pair channels × 16 samples of x·g(x), x = r/(V/N)^⅓ from 0.4 to 3.0 (`radial-features.ts`) |
 * | 96-127 | composition | period, group, f-block, electronegativity and radius bins weighted by atom fraction (`composition-features.ts`) |
 *
 * Invariant to rotation, translation, site order, the choice of cell (a supercell gives the same
 * vector up to float rounding) and a uniform change of volume. Measured on MP-20 (see
 * test/crystal/fingerprint): copies strained by 5% along one axis move by at most about 0.12, while
 * most different materials of the same formula lie farther apart than the threshold.
 *
 * ```ts
 * const v = fingerprint(structure); // Float32Array(128)
 * fingerprintDistance(v, fingerprint(supercell(structure, [2, 1, 1]))); // ~1e-6
 * ```
 */
import type { Structure } from '../structure.js';
import { COMPOSITION_SLOTS, compositionFeatures } from './composition-features.js';
import { RADIAL_BINS, RADIAL_CHANNELS, radialFeatures } from './radial-features.js';

/** Length of every fingerprint (the pgvector column is `vector(128)`). */
export const FINGERPRINT_DIM = 128;

/** Offset of the composition block; the radial block starts at 0. */
export const COMPOSITION_OFFSET = RADIAL_CHANNELS * RADIAL_BINS;

/**
 * Euclidean distance below which two fingerprints may be the same crystal, calibrated on MP-20:
 * rigid copies and supercells are below 1e-5, and copies strained by 5% along one axis (well
 * inside the matcher's ltol = 0.2) stay below it; see test/crystal/fingerprint for the measured spread.
 */
export const FINGERPRINT_THRESHOLD = 0.25;

if (COMPOSITION_OFFSET + COMPOSITION_SLOTS !== FINGERPRINT_DIM)
  throw new Error('fingerprint layout does not add up');

/** The fingerprint of `s` (see the module doc for the layout). */
export function fingerprint(s: Structure): Float32Array {
  const out = new Float32Array(FINGERPRINT_DIM);
  radialFeatures(s, out, 0);
  compositionFeatures(s, out, COMPOSITION_OFFSET);
  return out;
}

/** Euclidean distance between two fingerprints (pgvector's `<->`). */
export function fingerprintDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new RangeError(`fingerprints differ in length: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}
