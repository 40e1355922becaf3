/**
 * What a potential returns, with the shared property vocabulary (STYLE.md D4, after ASE's
 * ase/outputs.py): every model declares which of these it implements.
 */
import type { Mat3, Vec3 } from '../../crystal/lattice.js';

/** The closed set of properties a potential can produce, and their shapes. */
export const PotentialProperty = {
  /** Total energy, eV (scalar). */
  energy: 'energy',
  /** Forces, eV/Å (N×3). */
  forces: 'forces',
  /** Stress, eV/Å³, ASE sign (3×3, symmetric). */
  stress: 'stress',
  /** Committee spread: energy std per atom and DP-GEN's max force deviation. */
  uncertainty: 'uncertainty',
  /** A per-structure descriptor vector from the model (length D). */
  embedding: 'embedding',
} as const;
export type PotentialProperty = (typeof PotentialProperty)[keyof typeof PotentialProperty];

/** Committee spread of one prediction (names as in DESIGN.md "Conventions"). */
export interface Uncertainty {
  /** Standard deviation over members of E_m, divided by the number of atoms, eV/atom. */
  readonly energyStdEvPerAtom: number;
  /**
   * DP-GEN's model deviation of the forces, eV/Å: max over atoms i of
   * sqrt(mean over members m of |F_m,i − mean_m F_m,i|²).
   */
  readonly maxForceDevEvPerA: number;
}

/** One structure's prediction; every mean is over the committee members. */
export interface Prediction {
  /** Mean total energy, eV. */
  readonly energyEv: number;
  /** Mean total energy per atom, eV/atom. */
  readonly energyPerAtomEv: number;
  /** Mean forces, eV/Å, one row per site in the structure's order. */
  readonly forcesEvPerA: readonly Vec3[];
  /** Mean stress, eV/Å³, symmetric, ASE sign (positive = tensile). */
  readonly stressEvPerA3: Mat3;
  /** Total energy of each member, eV. */
  readonly members: readonly number[];
  readonly uncertainty: Uncertainty;
  /** The model's per-structure embedding, when it has one. */
  readonly embedding?: readonly number[];
}
