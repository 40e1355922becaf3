/**
 * Unit and sign conversions for VASP files. kbar stays inside VASP files (DESIGN.md); results leave
 * in eV, Å, eV/Å and eV/Å³ with the ASE sign (positive = tensile).
 *
 * VASP's stress ("in kB" in OUTCAR, `<varray name="stress">` in vasprun.xml) is the negative of the
 * physical stress: it prints a positive value for a compressed cell (one that pushes outwards and
 * wants to expand), and OUTCAR's "external pressure" is the mean of its diagonal. ASE's readers
 * (ase/io/vasp.py, ase/calculators/vasp) therefore negate it: σ_ASE = −σ_VASP · 0.1 GPa/kbar.
 */
import type { Vec3 } from '../../crystal/lattice.js';

/** 1 eV/Å³ in GPa (e = 1.602176634e-19 C; ASE's `units.GPa` = 1/160.21766208). */
export const EV_PER_A3_IN_GPA = 160.21766208;

/** 1 kbar in eV/Å³: 0.1 GPa / 160.21766208 GPa per eV/Å³. */
export const KBAR_IN_EV_PER_A3 = 0.1 / EV_PER_A3_IN_GPA;

/**
 * A VASP stress tensor (kbar, VASP sign) as a 3×3 matrix in eV/Å³ with the ASE sign.
 *
 * ```ts
 * stressFromVaspKbar([[-18.4962, -0.30771, -1.2844], [-0.30771, -8.42014, 1.0922], [-1.2844, 1.0922, -14.21021]]);
 * // [[0.0115444, 0.000192057, 0.000801659], …]  (tensile: the cell pulls inwards)
 * ```
 */
export function stressFromVaspKbar(kbar: readonly (readonly number[])[]): number[][] {
  return kbar.map((row) => row.map((x) => (x === 0 ? 0 : -x * KBAR_IN_EV_PER_A3)));
}

/**
 * OUTCAR's six "in kB" numbers, in VASP's order XX YY ZZ XY YZ ZX, as a symmetric 3×3 matrix (still
 * kbar, still VASP's sign).
 */
export function kbarMatrixFromOutcar(sixComponents: readonly number[]): [Vec3, Vec3, Vec3] {
  const [xx, yy, zz, xy, yz, zx] = sixComponents as [number, number, number, number, number, number];
  return [
    [xx, xy, zx],
    [xy, yy, yz],
    [zx, yz, zz],
  ];
}
