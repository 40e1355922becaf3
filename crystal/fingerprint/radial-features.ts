/**
 * The radial block of the fingerprint: Gaussian-smeared radial distribution functions resolved by
 * the chemical role of the two atoms of each pair, in distances scaled by the free length per
 * atom. In the spirit of the partial RDF fingerprints of Schütt et al. (Phys. Rev. B 89, 205118
 * (2014), doi:10.1103/PhysRevB.89.205118) and Valle & Oganov's fingerprint function (Acta Cryst.
 * A66, 507 (2010), doi:10.1107/S0108767310026395), folded into a fixed length:
 *
 * 1. r0 = (V/N)^⅓, and every pair distance is used as x = r/r0. In these units the number density
 *    is 1, so a uniform (isotropic) strain leaves the block unchanged.
 * 2. Roles: the distinct elements, sorted by Pauling electronegativity (ties by symbol), get a
 *    role 0 (most electropositive), 1 or 2 (most electronegative): role = round(2·rank/(k-1)) for
 *    k elements (all role 0 when k = 1). A pair of roles (p <= q) is one of six channels
 *    00, 01, 02, 11, 12, 22.
 * 3. For each atom i and each neighbour j with x_ij < X_CUT (all periodic images), add a
 *    Gaussian of width SIGMA centred at x_ij to channel(role_i, role_j), sampled at RADIAL_BINS
 *    points x_k = X_MIN + k·X_STEP.
 * 4. Divide by N (per atom) and by 4π x_k. With number density 1, the neighbours per atom per
 *    unit x are 4πx²·g(x), so each channel holds x·g_c(x): a partial RDF weighted by x, which
 *    keeps the outer shells (where polymorphs differ) from fading against the first.
 *
 * The wide smearing (SIGMA = 0.25, a quarter of a typical bond length) is deliberate: the
 * matcher accepts lattices strained by up to ltol = 20%, and on MP-20 a wide smearing keeps more
 * of its matches under the threshold while still separating most polymorphs (test/crystal/fingerprint).
 *
 * Sums over all atoms and images make the block invariant to rotation, translation, site order
 * and the choice of cell (a supercell gives the same numbers).
 */
import { Element } from '../elements.js';
import { neighborList } from '../neighbor-list.js';
import { Structure } from '../structure.js';

/** Radial samples per channel. */
export const RADIAL_BINS = 16;
/** Role-pair channels: 00, 01, 02, 11, 12, 22. */
export const RADIAL_CHANNELS = 6;
/** First sample, in units of (V/N)^⅓. */
export const X_MIN = 0.4;
/** Spacing of the samples, in units of (V/N)^⅓ (the last is at 3.0). */
export const X_STEP = 2.6 / (RADIAL_BINS - 1);
/** Gaussian width, in units of (V/N)^⅓. */
export const SIGMA = 0.25;
/** Pairs farther than this (3.75, in units of (V/N)^⅓: 7-10 Å for typical solids) are ignored. */
export const X_CUT = X_MIN + (RADIAL_BINS - 1) * X_STEP + 3 * SIGMA;

/** Role 0-2 of each element of `species` (see the module doc). */
export function elementRoles(species: readonly string[]): Map<string, number> {
  const elements = [...new Set(species)].sort(
    (a, b) =>
      (Element.bySymbol(a).electronegativity ?? 0) - (Element.bySymbol(b).electronegativity ?? 0) ||
      (a < b ? -1 : a > b ? 1 : 0),
  );
  const k = elements.length;
  return new Map(elements.map((el, rank) => [el, k === 1 ? 0 : Math.round((2 * rank) / (k - 1))]));
}

/** Channel index of a role pair. */
function channel(p: number, q: number): number {
  const [a, b] = p <= q ? [p, q] : [q, p];
  return a === 0 ? b : a === 1 ? 2 + b : 5;
}

/**
 * Writes the RADIAL_CHANNELS × RADIAL_BINS radial block of `s` into `out` from `offset`
 * (channel-major: out[offset + c·RADIAL_BINS + k]).
 */
export function radialFeatures(s: Structure, out: Float32Array, offset = 0): void {
  const n = s.species.length;
  const r0 = Structure.volumePerAtom(s) ** (1 / 3);
  const roles = elementRoles(s.species);
  const role = s.species.map((el) => roles.get(el)!);
  const nl = neighborList(s, X_CUT * r0);
  const acc = new Float64Array(RADIAL_CHANNELS * RADIAL_BINS);
  const norm = 1 / (Math.sqrt(2 * Math.PI) * SIGMA);
  for (let e = 0; e < nl.src.length; e++) {
    const x = nl.distances[e]! / r0;
    const base = channel(role[nl.src[e]!]!, role[nl.dst[e]!]!) * RADIAL_BINS;
    // Only samples within 5σ contribute measurably.
    const lo = Math.max(0, Math.ceil((x - 5 * SIGMA - X_MIN) / X_STEP));
    const hi = Math.min(RADIAL_BINS - 1, Math.floor((x + 5 * SIGMA - X_MIN) / X_STEP));
    for (let k = lo; k <= hi; k++) {
      const d = (x - (X_MIN + k * X_STEP)) / SIGMA;
      acc[base + k]! += norm * Math.exp(-0.5 * d * d);
    }
  }
  for (let c = 0; c < RADIAL_CHANNELS; c++)
    for (let k = 0; k < RADIAL_BINS; k++) {
      const xk = X_MIN + k * X_STEP;
      out[offset + c * RADIAL_BINS + k] = acc[c * RADIAL_BINS + k]! / (n * 4 * Math.PI * xk);
    }
}
