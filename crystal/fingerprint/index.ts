/**
 * Structure fingerprints: a fixed-length vector per structure (`vector(128)` in pgvector), used
 * only to pre-filter candidates before the structure matcher (`crystal/matcher/`). Two
 * structures whose fingerprints are farther apart than {@link FINGERPRINT_THRESHOLD} (Euclidean,
 * pgvector's `<->`) are treated as different without running the matcher.
 *
 * ```ts
 * import { fingerprint, fingerprintDistance, FINGERPRINT_THRESHOLD } from './crystal/fingerprint/index.js';
 *
 * const v = fingerprint(structure); // Float32Array(128); store as pgvector.toSql(Array.from(v))
 * fingerprintDistance(v, fingerprint(candidate)) <= FINGERPRINT_THRESHOLD; // worth a matcher.fit
 * ```
 *
 * The layout (radial block of role-resolved x·g(x), composition block) is documented in
 * `fingerprint.ts`; changing it changes every stored vector, so it is fixed by FINGERPRINT_DIM and
 * the constants of `radial-features.ts` and `composition-features.ts`.
 */
export {
  COMPOSITION_OFFSET,
  FINGERPRINT_DIM,
  FINGERPRINT_THRESHOLD,
  fingerprint,
  fingerprintDistance,
} from './fingerprint.js';
export { COMPOSITION_SLOTS, compositionFeatures } from './composition-features.js';
export { elementPosition, type ElementPosition } from './element-position.js';
export {
  elementRoles,
  RADIAL_BINS,
  RADIAL_CHANNELS,
  radialFeatures,
  SIGMA,
  X_CUT,
  X_MIN,
  X_STEP,
} from './radial-features.js';
