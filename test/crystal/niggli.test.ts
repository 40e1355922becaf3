import { describe, expect, it } from 'vitest';
import { det3, Lattice, matmul3, niggliParameters, niggliReduce, type Mat3 } from '../../crystal/index.js';
import { rng } from './data.js';

/** Niggli conditions (International Tables A, §9.2.2) with absolute tolerance `eps` (Å²). */
function niggliViolations(m: Mat3, eps: number): string[] {
  const [A, B, C, xi, eta, zeta] = niggliParameters(m);
  const eq = (x: number, y: number) => Math.abs(x - y) <= eps;
  const out: string[] = [];
  const check = (ok: boolean, what: string) => ok || out.push(what);
  check(A <= B + eps && B <= C + eps, 'A <= B <= C');
  check(
    Math.abs(xi) <= B + eps && Math.abs(eta) <= A + eps && Math.abs(zeta) <= A + eps,
    '|ξ| <= B, |η|,|ζ| <= A',
  );
  const typeI = xi > eps && eta > eps && zeta > eps;
  const typeII = xi <= eps && eta <= eps && zeta <= eps;
  check(typeI || typeII, 'all positive or all non-positive');
  if (eq(A, B)) check(Math.abs(xi) <= Math.abs(eta) + eps, 'A = B -> |ξ| <= |η|');
  if (eq(B, C)) check(Math.abs(eta) <= Math.abs(zeta) + eps, 'B = C -> |η| <= |ζ|');
  if (typeI) {
    if (eq(xi, B)) check(zeta <= 2 * eta + eps, 'ξ = B -> ζ <= 2η');
    if (eq(eta, A)) check(zeta <= 2 * xi + eps, 'η = A -> ζ <= 2ξ');
    if (eq(zeta, A)) check(eta <= 2 * xi + eps, 'ζ = A -> η <= 2ξ');
  } else {
    if (eq(xi, -B)) check(Math.abs(zeta) <= eps, 'ξ = -B -> ζ = 0');
    if (eq(eta, -A)) check(Math.abs(zeta) <= eps, 'η = -A -> ζ = 0');
    if (eq(zeta, -A)) check(Math.abs(eta) <= eps, 'ζ = -A -> η = 0');
    check(xi + eta + zeta + A + B >= -eps, 'ξ + η + ζ + A + B >= 0');
    if (eq(xi + eta + zeta + A + B, 0)) check(2 * (A + eta) + zeta <= eps, '2(A + η) + ζ <= 0');
  }
  return out;
}

/** A random integer matrix with det +1, from products of shears and signed permutations. */
function randomUnimodular(next: () => number, steps = 8): Mat3 {
  let u: Mat3 = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let s = 0; s < steps; s++) {
    const i = Math.floor(next() * 3);
    const j = (i + 1 + Math.floor(next() * 2)) % 3;
    const k = Math.floor(next() * 5) - 2;
    const e: number[][] = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r === c ? 1 : 0)));
    e[i]![j] = k;
    u = matmul3(e as unknown as Mat3, u);
    if (next() < 0.3)
      u = matmul3(
        [
          [0, 1, 0],
          [1, 0, 0],
          [0, 0, -1],
        ],
        u,
      );
  }
  return u;
}

function randomLattice(next: () => number): Mat3 {
  const r = (lo: number, hi: number) => lo + (hi - lo) * next();
  for (;;) {
    const m = Lattice.fromParameters(r(2, 9), r(2, 9), r(2, 9), r(55, 125), r(55, 125), r(55, 125));
    if (Math.abs(det3(m)) > 1) return m;
  }
}

const close = (a: readonly number[], b: readonly number[], tol: number) =>
  a.every((x, i) => Math.abs(x - b[i]!) <= tol * Math.max(1, Math.abs(x)));

describe('niggliReduce', () => {
  it('reproduces the Křivý–Gruber (1976) example: (9, 27, 4, -5, -4, -22) -> (4, 9, 9, 9, 3, 4)', () => {
    const deg = (x: number) => (Math.acos(x) * 180) / Math.PI;
    const m = Lattice.fromParameters(
      3,
      Math.sqrt(27),
      2,
      deg(-5 / (2 * Math.sqrt(27) * 2)),
      deg(-4 / 12),
      deg(-22 / (6 * Math.sqrt(27))),
    );
    const { lattice } = niggliReduce(m);
    expect(close(niggliParameters(lattice), [4, 9, 9, 9, 3, 4], 1e-9)).toBe(true);
  });

  it('undoes a shear: [[1,0,0],[5,1,0],[0,0,1]] reduces to the unit cube', () => {
    const { lattice, transformation } = niggliReduce([
      [1, 0, 0],
      [5, 1, 0],
      [0, 0, 1],
    ]);
    expect(Lattice.parameters(lattice).map((x) => Math.round(x * 1e9) / 1e9)).toEqual([1, 1, 1, 90, 90, 90]);
    expect(det3(transformation)).toBeCloseTo(1, 12);
  });

  it('keeps the volume, satisfies the Niggli conditions, is idempotent, and P·L = reduced', () => {
    const next = rng(7);
    for (let t = 0; t < 200; t++) {
      const m = matmul3(randomUnimodular(next), randomLattice(next));
      const { lattice, transformation: p } = niggliReduce(m);
      expect(det3(lattice)).toBeCloseTo(det3(m), 6);
      expect(p.flat().every(Number.isInteger)).toBe(true);
      expect(det3(p)).toBe(1);
      expect(close(matmul3(p, m).flat(), lattice.flat(), 1e-9)).toBe(true);
      const eps = 1e-5 * Math.abs(det3(m)) ** (2 / 3);
      expect(niggliViolations(lattice, 10 * eps)).toEqual([]);
      const again = niggliReduce(lattice);
      expect(close(again.lattice.flat(), lattice.flat(), 1e-9)).toBe(true);
    }
  });

  it('maps unimodular transforms of one lattice to the same reduced parameters', () => {
    const next = rng(11);
    for (let t = 0; t < 50; t++) {
      const base = randomLattice(next);
      const ref = Lattice.parameters(niggliReduce(base).lattice);
      for (let k = 0; k < 4; k++) {
        const other = Lattice.parameters(niggliReduce(matmul3(randomUnimodular(next, 12), base)).lattice);
        expect(close(other, ref, 1e-7)).toBe(true);
      }
    }
  });

  it('handles special (high-symmetry) cells: fcc primitive and hexagonal', () => {
    const fcc: Mat3 = [
      [0, 2, 2],
      [2, 0, 2],
      [2, 2, 0],
    ];
    const r = niggliReduce(matmul3(randomUnimodular(rng(3), 10), fcc));
    expect(Lattice.parameters(r.lattice).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([
      2.828427, 2.828427, 2.828427, 60, 60, 60,
    ]);
    const hex = Lattice.fromParameters(3, 3, 5, 90, 90, 120);
    const h = niggliReduce(matmul3(randomUnimodular(rng(4), 10), hex));
    expect(Lattice.parameters(h.lattice).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([
      3, 3, 5, 90, 90, 120,
    ]);
    expect(niggliViolations(h.lattice, 1e-6)).toEqual([]);
  });

  it('rejects singular lattices', () => {
    expect(() =>
      niggliReduce([
        [1, 0, 0],
        [0, 1, 0],
        [1, 1, 0],
      ]),
    ).toThrow(/singular lattice/);
  });
});
