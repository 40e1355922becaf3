/**
 * Niggli reduction of a lattice: the Křivý–Gruber algorithm (Acta Cryst. A32, 297 (1976),
 * doi:10.1107/S0567739476000636) with the tolerance handling of Grosse-Kunstleve, Sauter & Adams
 * (Acta Cryst. A60, 1 (2004), doi:10.1107/S010876730302186X).
 *
 * The algorithm works on the metric (A, B, C, ξ, η, ζ) = (a·a, b·b, c·c, 2b·c, 2a·c, 2a·b) and
 * applies integer row operations to the lattice until the eight steps A1..A8 leave it unchanged.
 * Every operation has determinant +1, so handedness and the signed volume are kept.
 */
import { det3, dot, matmul3, type Mat3, type Vec3 } from './lattice.js';

/** Result of {@link niggliReduce}. */
export interface NiggliReduction {
  /** The Niggli-reduced lattice (rows are vectors, Å), = transformation · input. */
  readonly lattice: Mat3;
  /** Integer matrix P with det +1 such that reduced = P · input (rows are vectors). */
  readonly transformation: Mat3;
}

/** Options for {@link niggliReduce}. */
export interface NiggliOptions {
  /** Relative tolerance; comparisons of metric entries use ε = tolerance · V^(2/3) (Å²). Default 1e-5. */
  readonly tolerance?: number;
  /** Safety bound on A1..A8 iterations; exceeded only for degenerate input. Default 1000. */
  readonly maxIterations?: number;
}

const IDENTITY: Mat3 = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** The metric as [A, B, C, ξ, η, ζ] (Å²). */
export function niggliParameters(m: Mat3): [number, number, number, number, number, number] {
  const [a, b, c] = m;
  return [dot(a, a), dot(b, b), dot(c, c), 2 * dot(b, c), 2 * dot(a, c), 2 * dot(a, b)];
}

/**
 * Niggli-reduces `lattice` (rows are vectors, Å). Throws when the lattice is singular or the
 * iteration bound is reached.
 *
 * ```ts
 * const { lattice, transformation } = niggliReduce([[1, 0, 0], [5, 1, 0], [0, 0, 1]]);
 * // lattice = [[1, 0, 0], [0, 1, 0], [0, 0, 1]] (up to signs), transformation integer, det 1
 * ```
 */
export function niggliReduce(lattice: Mat3, options: NiggliOptions = {}): NiggliReduction {
  const volume = Math.abs(det3(lattice));
  if (!Number.isFinite(volume) || volume < 1e-10) {
    throw new Error(`cannot Niggli-reduce a singular lattice (volume ${volume} Å³)`);
  }
  const eps = (options.tolerance ?? 1e-5) * volume ** (2 / 3);
  const maxIterations = options.maxIterations ?? 1000;
  const lt = (x: number, y: number) => x < y - eps;
  const gt = (x: number, y: number) => y < x - eps;
  const eq = (x: number, y: number) => !(lt(x, y) || gt(x, y));
  const sign = (x: number) => (x > 0 ? 1 : -1);

  let m: Mat3 = lattice;
  let p: Mat3 = IDENTITY;
  const apply = (t: Mat3) => {
    m = matmul3(t, m);
    p = matmul3(t, p);
  };

  for (let iter = 0; iter < maxIterations; iter++) {
    let [A, B, C, xi, eta, zeta] = niggliParameters(m);
    // A1: order A <= B (swap a, b; negate all to keep det +1).
    if (gt(A, B) || (eq(A, B) && gt(Math.abs(xi), Math.abs(eta)))) {
      apply([
        [0, -1, 0],
        [-1, 0, 0],
        [0, 0, -1],
      ]);
      [, B, C, , eta, zeta] = niggliParameters(m);
    }
    // A2: order B <= C, then restart at A1.
    if (gt(B, C) || (eq(B, C) && gt(Math.abs(eta), Math.abs(zeta)))) {
      apply([
        [-1, 0, 0],
        [0, 0, -1],
        [0, -1, 0],
      ]);
      continue;
    }
    // A3/A4: make ξ, η, ζ all positive (type I) or all non-positive (type II).
    [, , , xi, eta, zeta] = niggliParameters(m);
    const l = lt(0, xi) ? 1 : lt(xi, 0) ? -1 : 0;
    const mm = lt(0, eta) ? 1 : lt(eta, 0) ? -1 : 0;
    const n = lt(0, zeta) ? 1 : lt(zeta, 0) ? -1 : 0;
    if (l * mm * n === 1) {
      apply(diag(l, mm, n));
    } else {
      // Flip the vectors whose products are positive; fix det with a vector whose product is ~0.
      const f: [number, number, number] = [1, 1, 1];
      let zeroAt = -1;
      [l, mm, n].forEach((s, k) => {
        if (s === 1) f[k] = -1;
        else if (s === 0) zeroAt = k;
      });
      if (f[0] * f[1] * f[2] < 0) {
        if (zeroAt < 0)
          throw new Error('Niggli reduction: inconsistent signs in step A4 (tolerance too small?)');
        f[zeroAt] = -1;
      }
      if (f[0] !== 1 || f[1] !== 1 || f[2] !== 1) apply(diag(f[0], f[1], f[2]));
    }
    [A, B, , xi, eta, zeta] = niggliParameters(m);
    // A5: reduce |ξ| with c -> c - sign(ξ) b.
    if (gt(Math.abs(xi), B) || (eq(xi, B) && lt(2 * eta, zeta)) || (eq(xi, -B) && lt(zeta, 0))) {
      apply([
        [1, 0, 0],
        [0, 1, 0],
        [0, -sign(xi), 1],
      ]);
      continue;
    }
    // A6: reduce |η| with c -> c - sign(η) a.
    if (gt(Math.abs(eta), A) || (eq(eta, A) && lt(2 * xi, zeta)) || (eq(eta, -A) && lt(zeta, 0))) {
      apply([
        [1, 0, 0],
        [0, 1, 0],
        [-sign(eta), 0, 1],
      ]);
      continue;
    }
    // A7: reduce |ζ| with b -> b - sign(ζ) a.
    if (gt(Math.abs(zeta), A) || (eq(zeta, A) && lt(2 * xi, eta)) || (eq(zeta, -A) && lt(eta, 0))) {
      apply([
        [1, 0, 0],
        [-sign(zeta), 1, 0],
        [0, 0, 1],
      ]);
      continue;
    }
    // A8: c -> a + b + c when that is shorter.
    const s = xi + eta + zeta + A + B;
    if (lt(s, 0) || (eq(s, 0) && gt(2 * (A + eta) + zeta, 0))) {
      apply([
        [1, 0, 0],
        [0, 1, 0],
        [1, 1, 1],
      ]);
      continue;
    }
    return Object.freeze({ lattice: m, transformation: p });
  }
  throw new Error(`Niggli reduction did not finish in ${maxIterations} iterations`);
}

function diag(x: number, y: number, z: number): Mat3 {
  return [[x, 0, 0] as Vec3, [0, y, 0] as Vec3, [0, 0, z] as Vec3];
}
