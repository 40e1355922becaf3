/**
 * Shortest periodic images: the Cartesian vector of least length among all lattice translates of
 * a fractional difference. Like pymatgen's `pbc_shortest_vectors` (which LLL-reduces the lattice
 * and searches the 27 neighbouring images), this Niggli-reduces the lattice once and then searches
 * the 27 images of the difference wrapped into [-1/2, 1/2)³ of the reduced basis. For a reduced
 * basis that search contains the shortest vector (a Niggli cell is Buerger-reduced, and its
 * Voronoi-relevant vectors have coefficients in {-1, 0, 1}).
 */
import { inverse3, type Mat3 } from '../lattice.js';
import { niggliReduce } from '../niggli.js';

/** Shortest-image queries on one lattice; build with {@link PeriodicMetric.create}. */
export interface PeriodicMetric {
  /** The lattice the fractional differences refer to (rows are vectors, Å). */
  readonly lattice: Mat3;
  /**
   * Writes the shortest Cartesian image (Å) of the fractional difference (d0, d1, d2) into `out`
   * (length >= 3, from index `at`) and returns its squared length (Å²).
   */
  shortest(d0: number, d1: number, d2: number, out?: Float64Array, at?: number): number;
}

export const PeriodicMetric = Object.freeze({
  /** Precomputes the reduced basis of `lattice`; throws when the lattice is singular. */
  create(lattice: Mat3): PeriodicMetric {
    const { lattice: r, transformation: p } = niggliReduce(lattice);
    // d·L = d·P⁻¹·R: P is unimodular, so P⁻¹ is an integer matrix (rounded to be exact).
    const q = inverse3(p).map((row) => row.map(Math.round)) as unknown as Mat3;
    const [q00, q01, q02] = q[0];
    const [q10, q11, q12] = q[1];
    const [q20, q21, q22] = q[2];
    const [r00, r01, r02] = r[0];
    const [r10, r11, r12] = r[1];
    const [r20, r21, r22] = r[2];
    return Object.freeze({
      lattice,
      shortest(d0: number, d1: number, d2: number, out?: Float64Array, at = 0): number {
        let a = d0 * q00 + d1 * q10 + d2 * q20;
        let b = d0 * q01 + d1 * q11 + d2 * q21;
        let c = d0 * q02 + d1 * q12 + d2 * q22;
        a -= Math.round(a);
        b -= Math.round(b);
        c -= Math.round(c);
        let best = Infinity;
        let bx = 0;
        let by = 0;
        let bz = 0;
        for (let i = -1; i <= 1; i++)
          for (let j = -1; j <= 1; j++)
            for (let k = -1; k <= 1; k++) {
              const fa = a + i;
              const fb = b + j;
              const fc = c + k;
              const x = fa * r00 + fb * r10 + fc * r20;
              const y = fa * r01 + fb * r11 + fc * r21;
              const z = fa * r02 + fb * r12 + fc * r22;
              const d2sq = x * x + y * y + z * z;
              if (d2sq < best) {
                best = d2sq;
                bx = x;
                by = y;
                bz = z;
              }
            }
        if (out) {
          out[at] = bx;
          out[at + 1] = by;
          out[at + 2] = bz;
        }
        return best;
      },
    });
  },
});
