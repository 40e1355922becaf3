/**
 * The matrix exponential and its Fréchet derivative, for the small matrices of cell filters
 * (row-major Float64Array, n×n). Scaling and squaring with a Taylor series: the matrix is
 * halved until its 1-norm is at most 1/2, the series is summed to below 1e-18 relative, and the
 * result squared back (Moler & Van Loan, SIAM Rev. 45, 3 (2003), method 3).
 */

/** exp(A) for an n×n row-major matrix. */
export function expm(a: ArrayLike<number>, n: number): Float64Array {
  let norm = 0;
  for (let c = 0; c < n; c++) {
    let col = 0;
    for (let r = 0; r < n; r++) col += Math.abs(a[r * n + c]!);
    norm = Math.max(norm, col);
  }
  if (!Number.isFinite(norm)) return new Float64Array(n * n).fill(Number.NaN);
  const squarings = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const scale = 2 ** -squarings;
  const x = Float64Array.from({ length: n * n }, (_, k) => a[k]! * scale);
  let result = identity(n);
  let term = identity(n);
  for (let k = 1; k <= 40; k++) {
    term = matmul(term, x, n);
    for (let i = 0; i < n * n; i++) term[i] = term[i]! / k;
    let termNorm = 0;
    for (let i = 0; i < n * n; i++) {
      result[i] = result[i]! + term[i]!;
      termNorm = Math.max(termNorm, Math.abs(term[i]!));
    }
    if (termNorm < 1e-18) break;
  }
  for (let s = 0; s < squarings; s++) result = matmul(result, result, n);
  return result;
}

/**
 * The Fréchet derivative of exp at A (3×3) in the direction E: L(A, E) = d/dt exp(A + tE) at
 * t = 0, read from the upper-right block of exp([[A, E], [0, A]]) (Higham, "Functions of
 * Matrices", SIAM 2008, eq. 3.16).
 */
export function expmFrechet(a: ArrayLike<number>, e: ArrayLike<number>): Float64Array {
  const block = new Float64Array(36);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      block[r * 6 + c] = a[r * 3 + c]!;
      block[(r + 3) * 6 + c + 3] = a[r * 3 + c]!;
      block[r * 6 + c + 3] = e[r * 3 + c]!;
    }
  }
  const big = expm(block, 6);
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] = big[r * 6 + c + 3]!;
  return out;
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + aik * b[k * n + j]!;
    }
  }
  return out;
}
