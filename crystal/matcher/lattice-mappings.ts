/**
 * Lattice mappings: every basis of one lattice whose lengths and angles match another lattice's
 * within tolerances. This is pymatgen's `Lattice.find_all_mappings`, the lattice-search step of
 * StructureMatcher:
 *
 * 1. Collect the lattice points of the searched lattice within a sphere of radius
 *    max(a, b, c) · (1 + ltol) of the target's lengths.
 * 2. For each target length ℓ (a, b, c), keep the points whose length r satisfies
 *    1/(1 + ltol) < r/ℓ < 1 + ltol.
 * 3. Every triple (u, v, w) of such points whose pairwise angles match the target's α (v, w),
 *    β (u, w) and γ (u, v) within angleTol degrees, and whose integer matrix is not singular, is
 *    a candidate basis. The caller filters by |det| (1 for equal cells, fu for supercells).
 *
 * Both handednesses are returned, as in pymatgen: a basis with det -1 maps a crystal onto its
 * mirror image, so enantiomorphs (left- and right-handed quartz) match.
 */
import { det3, type Mat3, type Vec3 } from '../lattice.js';
import { perpendicularWidths } from '../neighbor-list.js';

/** One candidate basis of the searched lattice. */
export interface LatticeMapping {
  /** The candidate basis as Cartesian rows (Å), in the searched lattice's orientation. */
  readonly lattice: Mat3;
  /** Integer matrix S with lattice = S · searched (rows are vectors). */
  readonly scale: Mat3;
}

/** Lattice points (integer coordinates and Cartesian vectors, Å) within `radius` Å of the origin. */
export function latticePointsInSphere(
  lattice: Mat3,
  radius: number,
): { frac: Vec3[]; cart: Vec3[]; dist: number[] } {
  const widths = perpendicularWidths(lattice);
  const reach = widths.map((w) => Math.ceil(radius / w)) as [number, number, number];
  const frac: Vec3[] = [];
  const cart: Vec3[] = [];
  const dist: number[] = [];
  const r2 = radius * radius;
  const [a, b, c] = lattice;
  for (let i = -reach[0]; i <= reach[0]; i++)
    for (let j = -reach[1]; j <= reach[1]; j++)
      for (let k = -reach[2]; k <= reach[2]; k++) {
        const x: Vec3 = [
          i * a[0] + j * b[0] + k * c[0],
          i * a[1] + j * b[1] + k * c[1],
          i * a[2] + j * b[2] + k * c[2],
        ];
        const d2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
        if (d2 > r2) continue;
        frac.push([i, j, k]);
        cart.push(x);
        dist.push(Math.sqrt(d2));
      }
  return { frac, cart, dist };
}

/**
 * Bases of `searched` whose lengths match `target`'s within the fractional tolerance `ltol` and
 * whose angles match within `angleTol` degrees (see the module doc). Candidates for each vector
 * are tried in order of their length mismatch, so the likeliest bases come first.
 *
 * ```ts
 * // a cubic lattice against itself: the 48 signed permutations of a, b, c (24 of det +1)
 * [...latticeMappings(Lattice.cubic(4), Lattice.cubic(4), 0.2, 5)].length; // 48
 * ```
 */
export function* latticeMappings(
  searched: Mat3,
  target: Mat3,
  ltol: number,
  angleTol: number,
): Generator<LatticeMapping> {
  const lengths = target.map((v) => Math.hypot(v[0], v[1], v[2])) as [number, number, number];
  const angle = (u: Vec3, v: Vec3) => {
    const x = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (Math.hypot(...u) * Math.hypot(...v));
    return (Math.acos(Math.min(1, Math.max(-1, x))) * 180) / Math.PI;
  };
  const [alpha, beta, gamma] = [
    angle(target[1], target[2]),
    angle(target[0], target[2]),
    angle(target[0], target[1]),
  ];
  const points = latticePointsInSphere(searched, Math.max(...lengths) * (1 + ltol));
  const candidates = lengths.map((len) => {
    const idx: number[] = [];
    points.dist.forEach((d, i) => {
      if (d / len < 1 + ltol && d / len > 1 / (1 + ltol)) idx.push(i);
    });
    return idx.sort((x, y) => Math.abs(points.dist[x]! - len) - Math.abs(points.dist[y]! - len));
  }) as [number[], number[], number[]];
  const close = (x: number, y: number) => Math.abs(x - y) <= angleTol;
  const [ia, ib, ic] = candidates;
  // Angle tables between candidate sets, computed once.
  const table = (p: number[], q: number[], want: number) =>
    p.map((i) => q.map((j) => close(angle(points.cart[i]!, points.cart[j]!), want)));
  const gammaOk = table(ia, ib, gamma);
  const betaOk = table(ia, ic, beta);
  const alphaOk = table(ib, ic, alpha);
  for (let x = 0; x < ia.length; x++)
    for (let y = 0; y < ib.length; y++) {
      if (!gammaOk[x]![y]) continue;
      for (let z = 0; z < ic.length; z++) {
        if (!alphaOk[y]![z] || !betaOk[x]![z]) continue;
        const scale: Mat3 = [points.frac[ia[x]!]!, points.frac[ib[y]!]!, points.frac[ic[z]!]!];
        if (Math.abs(det3(scale)) < 1e-8) continue;
        yield { lattice: [points.cart[ia[x]!]!, points.cart[ib[y]!]!, points.cart[ic[z]!]!], scale };
      }
    }
}
