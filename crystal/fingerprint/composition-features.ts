/**
 * The composition block of the fingerprint: each element hashed into a few bins by its
 * properties, weighted by its atom fraction f, so that chemically similar compositions land near
 * each other (Li2O near Na2O, far from MgF2):
 *
 * | slots | content |
 * |---|---|
 * | 0-6 | Σ f over elements of period 1..7 |
 * | 7-24 | Σ f over elements of group 1..18 (lanthanides, actinides: group 3) |
 * | 25 | Σ f over lanthanides and actinides |
 * | 26-28 | Σ f·exp(-(χ - c)²/(2·0.5²)) for Pauling χ at c = 1.0, 2.0, 3.0 (χ of He, Ne, Ar: 0) |
 * | 29 | Σ f·χ / 4 (mean electronegativity) |
 * | 30 | (max χ - min χ) / 4 (spread) |
 * | 31 | Σ f·r_cov / 2 Å (mean Cordero covalent radius) |
 *
 * The block depends on the composition only: like the matcher (which scales volumes), the
 * fingerprint ignores the volume, so a relaxation that changes it does not move the vector.
 */
import { Element } from '../elements.js';
import { Structure } from '../structure.js';
import { elementPosition } from './element-position.js';

/** Slots in the composition block. */
export const COMPOSITION_SLOTS = 32;

/** Writes the COMPOSITION_SLOTS composition block of `s` into `out` from `offset`. */
export function compositionFeatures(s: Structure, out: Float32Array, offset = 0): void {
  const n = s.species.length;
  const block = new Float64Array(COMPOSITION_SLOTS);
  let lo = Infinity;
  let hi = -Infinity;
  for (const [el, count] of Structure.composition(s)) {
    const f = count / n;
    const data = Element.bySymbol(el);
    const { period, group, fBlock } = elementPosition(data.z);
    const chi = data.electronegativity ?? 0;
    block[period - 1]! += f;
    block[7 + group - 1]! += f;
    if (fBlock) block[25]! += f;
    [1, 2, 3].forEach((c, k) => (block[26 + k]! += f * Math.exp(-((chi - c) ** 2) / (2 * 0.5 * 0.5))));
    block[29]! += (f * chi) / 4;
    lo = Math.min(lo, chi);
    hi = Math.max(hi, chi);
    block[31]! += (f * data.covalentRadius) / 2;
  }
  block[30] = (hi - lo) / 4;
  out.set(block, offset);
}
