/**
 * Unit conversions for pw.x files. Rydberg atomic units stay inside QE files (DESIGN.md); results
 * leave in eV, Å, eV/Å and eV/Å³.
 */
import { BOHR_IN_ANGSTROM } from '../../crystal/io/qe-cards.js';

/** 1 Ry in eV (CODATA 2018: Rydberg constant × h c, as QE ≥ 6.6 and ASE ≥ 3.23 use). */
export const RY_IN_EV = 13.605693122994;

/** 1 bohr in Å (CODATA 2018). */
export const BOHR_IN_A = BOHR_IN_ANGSTROM;

/** Force: 1 Ry/bohr in eV/Å (≈ 25.711). */
export const RY_PER_BOHR_IN_EV_PER_A = RY_IN_EV / BOHR_IN_A;

/** Stress: 1 Ry/bohr³ in eV/Å³ (≈ 91.81). */
export const RY_PER_BOHR3_IN_EV_PER_A3 = RY_IN_EV / BOHR_IN_A ** 3;

/** Pressure: 1 eV/Å³ in kbar (160.21766208 GPa). */
export const EV_PER_A3_IN_KBAR = 1602.1766208;
