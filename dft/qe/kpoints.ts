/**
 * Monkhorst–Pack grids from a k-point density (Monkhorst & Pack, Phys. Rev. B 13, 5188 (1976),
 * doi:10.1103/PhysRevB.13.5188).
 *
 * Definition: `n_i = max(1, ceil(|b_i| · density))`, where `b_i` are the reciprocal lattice vectors
 * **including the factor 2π** (|b_i| in Å⁻¹) and `density` is in Å (k-points per Å⁻¹ of
 * reciprocal length). This is exactly ASE's `kptdensity2monkhorstpack(atoms, kptdensity)` (ASE
 * computes `2π·|recipcell[i]|·kptdensity`, with `recipcell` lacking the 2π; its default is 3.5 Å)
 * and the inverse of AiiDA's `kpoints_distance` (`density = 1 / distance`; the SSSP "moderate"
 * protocol's 0.15 Å⁻¹ is a density of 6.67 Å). The one difference: a product within 1e-9 of an
 * integer is not rounded up, so round-off cannot add a k-point.
 *
 * Example: Si, fcc primitive, a = 5.43 Å: |b_i| = 2π·√3/a = 2.004 Å⁻¹, so density 1.5 Å gives
 * ceil(3.006) = 4 → 4×4×4, and ASE's default 3.5 Å gives ceil(7.01) = 8 → 8×8×8.
 */
import { cross, dot, norm, type Mat3, type Vec3 } from '../../crystal/lattice.js';

/** Reciprocal lattice vectors (rows) including 2π, Å⁻¹: b_i · a_j = 2π δ_ij. */
export function reciprocalLattice(lattice: Mat3): Mat3 {
  const [a1, a2, a3] = lattice;
  const volume = dot(a1, cross(a2, a3));
  const scale = (v: Vec3): Vec3 => [
    (2 * Math.PI * v[0]) / volume,
    (2 * Math.PI * v[1]) / volume,
    (2 * Math.PI * v[2]) / volume,
  ];
  return [scale(cross(a2, a3)), scale(cross(a3, a1)), scale(cross(a1, a2))];
}

/** Unshifted Monkhorst–Pack grid for `lattice` (rows = vectors, Å) at `density` (Å). */
export function monkhorstPackGrid(lattice: Mat3, density: number): [number, number, number] {
  if (!(density > 0) || !Number.isFinite(density))
    throw new RangeError(`k-point density must be > 0 Å, got ${density}`);
  const grid = reciprocalLattice(lattice).map((b) => Math.max(1, Math.ceil(norm(b) * density - 1e-9)));
  return grid as [number, number, number];
}

/** Vacuum between an isolated molecule and its periodic images above which the Γ point suffices, Å. */
export const ISOLATED_VACUUM_A = 6;

/**
 * Whether `structure` is a molecule or atom in a box: an orthogonal cell in which the atoms leave
 * at least {@link ISOLATED_VACUUM_A} of vacuum to their images along every axis. Such a system has
 * no band dispersion, so it is sampled at Γ only (1×1×1) whatever the profile's k-point density;
 * the level of theory, a property of the profile, is unchanged.
 */
export function isIsolatedInBox(lattice: Mat3, fracCoords: readonly Vec3[]): boolean {
  const orthogonal = lattice.every((row, i) => row.every((x, j) => i === j || Math.abs(x) < 1e-9));
  if (!orthogonal || fracCoords.length === 0) return false;
  return [0, 1, 2].every((axis) => {
    const f = fracCoords.map((c) => c[axis]! - Math.floor(c[axis]!));
    const span = (Math.max(...f) - Math.min(...f)) * lattice[axis]![axis]!;
    return lattice[axis]![axis]! - span >= ISOLATED_VACUUM_A;
  });
}
