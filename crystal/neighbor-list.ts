/**
 * Periodic neighbour lists: every pair (i, j, shift) with |x_j - x_i + shift·L| < cutoff.
 *
 * The list is full (i->j and j->i both appear) and keeps self-images (i->i with a nonzero shift,
 * as in a cell smaller than the cutoff). Atoms are binned in fractional space (cell lists), with
 * bin counts and search ranges taken from the perpendicular widths of the cell, so skewed cells
 * are exact and the cost is O(N) for cells much larger than the cutoff.
 */
import { cross, det3, norm, type Mat3 } from './lattice.js';
import type { Structure } from './structure.js';

/** Edges of a periodic neighbour list; E edges, sorted by src (then by search order). */
export interface NeighborList {
  /** Centre atom index i, length E. */
  readonly src: Int32Array;
  /** Neighbour atom index j, length E. */
  readonly dst: Int32Array;
  /** Lattice translation of j in lattice units (integer triples), E×3 row-major. */
  readonly shifts: Int32Array;
  /** r_ij = x_j - x_i + shift·L, Å, E×3 row-major (x from the structure's fracCoords as given). */
  readonly vectors: Float64Array;
  /** |r_ij|, Å, length E. */
  readonly distances: Float64Array;
}

/**
 * Perpendicular widths of the cell (Å): the distance between opposite faces, d_i = V / |a_j × a_k|.
 * A sphere of radius r fits in the cell iff r <= min(d)/2.
 */
export function perpendicularWidths(lattice: Mat3): [number, number, number] {
  const v = Math.abs(det3(lattice));
  return [
    v / norm(cross(lattice[1], lattice[2])),
    v / norm(cross(lattice[2], lattice[0])),
    v / norm(cross(lattice[0], lattice[1])),
  ];
}

/**
 * Builds the full periodic neighbour list of `s` for `cutoff` (Å, > 0): edges with distance
 * strictly below the cutoff, excluding only i->i with zero shift.
 *
 * ```ts
 * const nl = neighborList(Structure.create(Lattice.cubic(3), ['Po'], [[0, 0, 0]]), 3.5);
 * // 6 edges 0->0, shifts ±[1,0,0], ±[0,1,0], ±[0,0,1], distances 3
 * ```
 */
export function neighborList(s: Structure, cutoff: number): NeighborList {
  if (!(cutoff > 0) || !Number.isFinite(cutoff))
    throw new RangeError(`cutoff must be a positive number of Å, got ${cutoff}`);
  const n = s.species.length;
  const L = s.lattice;
  const widths = perpendicularWidths(L);
  if (!widths.every((w) => Number.isFinite(w) && w > 0))
    throw new Error('neighbour list: lattice is degenerate (zero volume)');
  const badSite = s.fracCoords.findIndex((f) => !f.every(Number.isFinite));
  if (badSite >= 0) throw new RangeError(`neighbour list: site ${badSite} has a non-finite coordinate`);

  // Bins per axis: each at least `cutoff` wide, and no more bins than about 2 per atom.
  const nb = widths.map((w) => Math.max(1, Math.floor(w / cutoff)));
  while (nb[0]! * nb[1]! * nb[2]! > 2 * n + 8) {
    const k = nb.indexOf(Math.max(...nb));
    nb[k] = Math.max(1, Math.floor(nb[k]! / 2));
  }
  const [n0, n1, n2] = nb as [number, number, number];
  // Search range in bins per axis: ceil(cutoff / bin width), with a little slack for rounding.
  const reach = widths.map((w, k) => Math.ceil((cutoff * nb[k]!) / w + 1e-9)) as [number, number, number];
  assertSearchBounded(n, nb, reach, widths, cutoff);

  // Wrap positions into [0, 1); remember the integer offsets to restore shifts in the caller's frame.
  const wrapped = new Float64Array(3 * n);
  const offset = new Int32Array(3 * n);
  const cart = new Float64Array(3 * n);
  const binOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const f = s.fracCoords[i]!;
    const b: number[] = [];
    for (let k = 0; k < 3; k++) {
      const o = Math.floor(f[k]!);
      let w = f[k]! - o;
      if (w >= 1) w = 0; // -1e-17 - floor(-1e-17) == 1 in floating point
      wrapped[3 * i + k] = w;
      offset[3 * i + k] = o;
      b.push(Math.min(nb[k]! - 1, Math.floor(w * nb[k]!)));
    }
    binOf[i] = (b[0]! * n1 + b[1]!) * n2 + b[2]!;
    for (let k = 0; k < 3; k++) {
      cart[3 * i + k] =
        wrapped[3 * i]! * L[0][k]! + wrapped[3 * i + 1]! * L[1][k]! + wrapped[3 * i + 2]! * L[2][k]!;
    }
  }
  // Counting sort of atoms by bin: atoms of bin b are order[start[b] .. start[b + 1]).
  const nBins = n0 * n1 * n2;
  const start = new Int32Array(nBins + 1);
  for (let i = 0; i < n; i++) start[binOf[i]! + 1]! += 1;
  for (let b = 0; b < nBins; b++) start[b + 1]! += start[b]!;
  const order = new Int32Array(n);
  const fill = start.slice(0, nBins);
  for (let i = 0; i < n; i++) order[fill[binOf[i]!]!++] = i;

  const src: number[] = [];
  const dst: number[] = [];
  const shifts: number[] = [];
  const vecs: number[] = [];
  const cut2 = cutoff * cutoff;
  for (let b0 = 0; b0 < n0; b0++)
    for (let b1 = 0; b1 < n1; b1++)
      for (let b2 = 0; b2 < n2; b2++) {
        const home = (b0 * n1 + b1) * n2 + b2;
        if (start[home] === start[home + 1]) continue;
        for (let d0 = -reach[0]; d0 <= reach[0]; d0++)
          for (let d1 = -reach[1]; d1 <= reach[1]; d1++)
            for (let d2 = -reach[2]; d2 <= reach[2]; d2++) {
              const g0 = b0 + d0;
              const g1 = b1 + d1;
              const g2 = b2 + d2;
              const s0 = Math.floor(g0 / n0);
              const s1 = Math.floor(g1 / n1);
              const s2 = Math.floor(g2 / n2);
              const other = ((g0 - s0 * n0) * n1 + (g1 - s1 * n1)) * n2 + (g2 - s2 * n2);
              if (start[other] === start[other + 1]) continue;
              const tx = s0 * L[0][0] + s1 * L[1][0] + s2 * L[2][0];
              const ty = s0 * L[0][1] + s1 * L[1][1] + s2 * L[2][1];
              const tz = s0 * L[0][2] + s1 * L[1][2] + s2 * L[2][2];
              const zeroShift = s0 === 0 && s1 === 0 && s2 === 0;
              for (let p = start[home]!; p < start[home + 1]!; p++) {
                const i = order[p]!;
                const xi = cart[3 * i]!;
                const yi = cart[3 * i + 1]!;
                const zi = cart[3 * i + 2]!;
                for (let q = start[other]!; q < start[other + 1]!; q++) {
                  const j = order[q]!;
                  if (zeroShift && i === j) continue;
                  const rx = cart[3 * j]! + tx - xi;
                  const ry = cart[3 * j + 1]! + ty - yi;
                  const rz = cart[3 * j + 2]! + tz - zi;
                  if (rx * rx + ry * ry + rz * rz >= cut2) continue;
                  src.push(i);
                  dst.push(j);
                  // Shift in the caller's frame: x_j(given) + S·L - x_i(given) = r.
                  shifts.push(
                    s0 - offset[3 * j]! + offset[3 * i]!,
                    s1 - offset[3 * j + 1]! + offset[3 * i + 1]!,
                    s2 - offset[3 * j + 2]! + offset[3 * i + 2]!,
                  );
                  vecs.push(rx, ry, rz);
                }
              }
            }
      }
  return sortBySource(n, src, dst, shifts, vecs);
}

/**
 * Most atom pairs the search may test (a few seconds of work). A near-singular cell, far thinner
 * than the cutoff, makes the search reach ~cutoff/width images along each axis (~1e23 pairs for a
 * cell of volume 5e-6 Å³ and a 5 Å cutoff), so it is refused instead of running for ever.
 */
export const MAX_NEIGHBOR_PAIR_TESTS = 1e9;

/** Throws a RangeError naming the cell and the limit when the search would test too many pairs. */
function assertSearchBounded(
  n: number,
  nb: readonly number[],
  reach: readonly number[],
  widths: readonly number[],
  cutoff: number,
): void {
  const bins = nb[0]! * nb[1]! * nb[2]!;
  // Each atom visits (2·reach + 1) bins per axis and tests the n / bins atoms of each.
  const window = reach.reduce((p, r) => p * (2 * r + 1), 1);
  const pairs = n * Math.max(1, n / bins) * window;
  if (pairs <= MAX_NEIGHBOR_PAIR_TESTS) return;
  throw new RangeError(
    `neighbour list: the cell is too thin for a ${cutoff} Å cutoff: its narrowest perpendicular width is ` +
      `${Math.min(...widths).toPrecision(3)} Å, so the search would test about ${pairs.toPrecision(2)} atom pairs ` +
      `(limit ${MAX_NEIGHBOR_PAIR_TESTS.toPrecision(1)}); the lattice is near-singular or far smaller than the cutoff: ` +
      'check it, or use its Niggli-reduced cell',
  );
}

/** Stable counting sort of the edges by src. */
function sortBySource(
  n: number,
  src: number[],
  dst: number[],
  shifts: number[],
  vecs: number[],
): NeighborList {
  const e = src.length;
  const start = new Int32Array(n + 1);
  for (let k = 0; k < e; k++) start[src[k]! + 1]! += 1;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const out = {
    src: new Int32Array(e),
    dst: new Int32Array(e),
    shifts: new Int32Array(3 * e),
    vectors: new Float64Array(3 * e),
    distances: new Float64Array(e),
  };
  for (let k = 0; k < e; k++) {
    const t = start[src[k]!]!++;
    out.src[t] = src[k]!;
    out.dst[t] = dst[k]!;
    for (let c = 0; c < 3; c++) {
      out.shifts[3 * t + c] = shifts[3 * k + c]!;
      out.vectors[3 * t + c] = vecs[3 * k + c]!;
    }
    out.distances[t] = Math.hypot(vecs[3 * k]!, vecs[3 * k + 1]!, vecs[3 * k + 2]!);
  }
  return Object.freeze(out);
}
