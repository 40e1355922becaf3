/**
 * KPOINTS: an automatic grid from a k-point density, with the QE engine's definition
 * (qe/kpoints.ts): n_i = max(1, ⌈|b_i|·density⌉), |b_i| the reciprocal vector lengths including 2π
 * (Å⁻¹) and the density in Å. The same density thus gives the same grid to both engines. For
 * comparison: VASP's KSPACING is 1/density (with Γ-centred grids); MPRelaxSet's
 * `reciprocal_density: 64` (k-points per Å⁻³) is close to a density of 64^⅓ = 4 Å per axis.
 *
 * Example: Si, fcc primitive, a = 5.43 Å (|b_i| = 2.004 Å⁻¹), density 4 Å, Γ-centred:
 *
 * ```
 * Gamma-centred grid from k-point density 4 A (matdisc)
 * 0
 * Gamma
 * 9 9 9
 * 0 0 0
 * ```
 */
import type { Mat3 } from '../../../crystal/lattice.js';
import { monkhorstPackGrid } from '../../qe/kpoints.js';

export type KpointStyle = 'gamma' | 'monkhorst-pack';

/** The grid for `lattice` (rows, Å): `explicit` when given, else from `density` (Å). */
export function kpointGrid(
  lattice: Mat3,
  density: number,
  explicit: readonly [number, number, number] | null = null,
): [number, number, number] {
  return explicit ? [explicit[0], explicit[1], explicit[2]] : monkhorstPackGrid(lattice, density);
}

/** KPOINTS text for an automatic grid (no shift beyond the style's own). */
export function renderKpoints(
  grid: readonly [number, number, number],
  style: KpointStyle,
  comment: string,
): string {
  return (
    [
      comment.replace(/[\r\n]+/g, ' '),
      '0',
      style === 'gamma' ? 'Gamma' : 'Monkhorst-Pack',
      grid.join(' '),
      '0 0 0',
    ].join('\n') + '\n'
  );
}
