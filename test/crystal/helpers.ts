/** Shared test structures and comparisons. */
import { Lattice, Structure, type Mat3, type Vec3 } from '../../crystal/index.js';

/** Conventional diamond-cubic Si, a = 5.431 Å, 8 atoms. */
export function siliconConventional(): Structure {
  const base: Vec3[] = [
    [0, 0, 0],
    [0, 0.5, 0.5],
    [0.5, 0, 0.5],
    [0.5, 0.5, 0],
  ];
  const coords = base.flatMap((f): Vec3[] => [f, [f[0] + 0.25, f[1] + 0.25, f[2] + 0.25]]);
  return Structure.create(Lattice.cubic(5.431), Array(8).fill('Si'), coords);
}

/** Primitive rock-salt NaCl, a = 5.64 Å (fcc primitive vectors). */
export function rockSaltPrimitive(): Structure {
  const h = 5.64 / 2;
  const lattice: Mat3 = [
    [0, h, h],
    [h, 0, h],
    [h, h, 0],
  ];
  return Structure.create(
    lattice,
    ['Na', 'Cl'],
    [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ],
  );
}

/** Largest |a - b| over two lattices. */
export function latticeDiff(a: Mat3, b: Mat3): number {
  return Math.max(...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i]![j]!))));
}

/** Largest periodic difference of fractional coordinates (each difference wrapped to [-0.5, 0.5)). */
export function fracDiff(a: readonly Vec3[], b: readonly Vec3[]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  a.forEach((f, i) =>
    f.forEach((x, k) => {
      const d = x - b[i]![k]!;
      worst = Math.max(worst, Math.abs(d - Math.round(d)));
    }),
  );
  return worst;
}

/**
 * True when every site of `a` has a site of `b` with the same species at the same Cartesian
 * point modulo the lattice of `b` (within `tol` Å), and the counts agree.
 */
export function sameCrystalSites(a: Structure, b: Structure, tol = 1e-6): boolean {
  if (a.species.length !== b.species.length) return false;
  const used = new Set<number>();
  for (const [i, x] of Structure.cartCoords(a).entries()) {
    const f = Lattice.toFractional(b.lattice, x);
    const j = b.fracCoords.findIndex((g, k) => {
      if (used.has(k) || b.species[k] !== a.species[i]) return false;
      const d = [0, 1, 2].map((c) => {
        const t = f[c]! - g[c]!;
        return t - Math.round(t);
      }) as unknown as Vec3;
      const c = Lattice.toCartesian(b.lattice, d);
      return Math.hypot(...c) < tol;
    });
    if (j < 0) return false;
    used.add(j);
  }
  return true;
}
