/**
 * Trust levels from the committee's force deviation, as DP-GEN selects configurations for
 * labelling: below `lo` a prediction is accurate enough to keep ("trusted"), between `lo` and
 * `hi` it is informative and worth DFT ("candidate"), above `hi` the model is too far off for the
 * structure to be labelled usefully ("untrusted").
 *
 * Zhang, Wang, Chen, Lu, Car, E, "DP-GEN: A concurrent learning platform for the generation of
 * reliable deep learning based potential energy models", Comput. Phys. Commun. 253, 107206
 * (2020), doi:10.1016/j.cpc.2020.107206 (`model_devi_f_trust_lo` / `_hi`).
 */
import type { Uncertainty } from './prediction.js';

export const TrustLevel = {
  trusted: 'trusted',
  candidate: 'candidate',
  untrusted: 'untrusted',
} as const;
export type TrustLevel = (typeof TrustLevel)[keyof typeof TrustLevel];

/** Force-deviation thresholds, eV/Å (DP-GEN's `model_devi_f_trust_lo` and `_hi`). */
export interface TrustThresholds {
  /** Below this max force deviation a prediction is trusted. Default 0.05 eV/Å. */
  readonly loEvPerA?: number;
  /** At or above this it is untrusted. Default 0.15 eV/Å. */
  readonly hiEvPerA?: number;
}

/** DP-GEN's commonly used defaults, eV/Å. */
export const DEFAULT_TRUST_THRESHOLDS = Object.freeze({ loEvPerA: 0.05, hiEvPerA: 0.15 });

/**
 * Classifies by `maxForceDevEvPerA`: `< lo` trusted, `[lo, hi)` candidate, `>= hi` (or not
 * finite) untrusted.
 *
 * ```ts
 * trustLevel({ energyStdEvPerAtom: 0.002, maxForceDevEvPerA: 0.08 }); // 'candidate'
 * ```
 */
export function trustLevel(
  uncertainty: Pick<Uncertainty, 'maxForceDevEvPerA'>,
  thresholds: TrustThresholds = {},
): TrustLevel {
  const lo = thresholds.loEvPerA ?? DEFAULT_TRUST_THRESHOLDS.loEvPerA;
  const hi = thresholds.hiEvPerA ?? DEFAULT_TRUST_THRESHOLDS.hiEvPerA;
  if (!(lo >= 0) || !(hi >= lo))
    throw new RangeError(`trust thresholds need 0 <= lo <= hi, got lo=${lo}, hi=${hi}`);
  const dev = uncertainty.maxForceDevEvPerA;
  if (!Number.isFinite(dev) || dev >= hi) return TrustLevel.untrusted;
  return dev < lo ? TrustLevel.trusted : TrustLevel.candidate;
}
