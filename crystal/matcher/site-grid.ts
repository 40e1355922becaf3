/**
 * A periodic bin grid over the sites of a structure, for "is there a site within r Å of this
 * point" queries in O(1) instead of a scan over every site. Bins are at least r wide in every
 * perpendicular direction, so a site within r of a point lies in the point's bin or a neighbouring
 * one (a Cartesian distance below r moves fractional coordinate k by less than r / width_k).
 */
import { perpendicularWidths } from '../neighbor-list.js';
import type { Structure } from '../structure.js';

/** Sites binned by fractional position; build with {@link SiteGrid.create}. @internal */
export interface SiteGrid {
  /**
   * Calls `visit(k)` for every site k that may lie within the grid's radius of the fractional
   * point (x0, x1, x2) (a superset: the caller measures the distance), until `visit` returns true.
   * Returns whether some call returned true.
   */
  some(x0: number, x1: number, x2: number, visit: (k: number) => boolean): boolean;
}

export const SiteGrid = Object.freeze({
  /** Bins the sites of `s` for queries of radius `radius` Å (> 0). */
  create(s: Structure, radius: number): SiteGrid {
    const n = s.species.length;
    const nb = perpendicularWidths(s.lattice).map((w) => Math.max(1, Math.floor(w / radius)));
    // No more bins than about one per site: empty bins cost time and memory.
    while (nb[0]! * nb[1]! * nb[2]! > n + 8) {
      const k = nb.indexOf(Math.max(...nb));
      nb[k] = Math.max(1, Math.floor(nb[k]! / 2));
    }
    const [n0, n1, n2] = nb as [number, number, number];
    const cell = (x: number, m: number) => Math.min(m - 1, Math.floor((x - Math.floor(x)) * m));
    const binCount = n0 * n1 * n2;
    // Counting sort of sites by bin: the sites of bin b are order[start[b] .. start[b + 1]).
    const binOf = s.fracCoords.map((f) => (cell(f[0], n0) * n1 + cell(f[1], n1)) * n2 + cell(f[2], n2));
    const start = new Int32Array(binCount + 1);
    for (const b of binOf) start[b + 1]! += 1;
    for (let b = 0; b < binCount; b++) start[b + 1]! += start[b]!;
    const order = new Int32Array(n);
    const fill = start.slice(0, binCount);
    binOf.forEach((b, k) => (order[fill[b]!++] = k));
    // Bins to visit per axis, as absolute indices: home - 1, home, home + 1 (wrapped), or every
    // bin when there are fewer than 3; for each home bin, precomputed once.
    const around = (m: number) =>
      Array.from({ length: m }, (_, h) =>
        m >= 3 ? Int32Array.of((h + m - 1) % m, h, (h + 1) % m) : Int32Array.from({ length: m }, (_, i) => i),
      );
    const [a0, a1, a2] = [around(n0), around(n1), around(n2)];
    return Object.freeze({
      some(x0: number, x1: number, x2: number, visit: (k: number) => boolean): boolean {
        const r0 = a0[cell(x0, n0)]!;
        const r1 = a1[cell(x1, n1)]!;
        const r2 = a2[cell(x2, n2)]!;
        for (let i = 0; i < r0.length; i++)
          for (let j = 0; j < r1.length; j++)
            for (let l = 0; l < r2.length; l++) {
              const b = (r0[i]! * n1 + r1[j]!) * n2 + r2[l]!;
              for (let q = start[b]!; q < start[b + 1]!; q++) if (visit(order[q]!)) return true;
            }
        return false;
      },
    });
  },
});
