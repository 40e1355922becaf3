/**
 * PDEntry: the least a phase diagram needs to know about a phase (STYLE D6, after pymatgen's
 * `PDEntry(composition, energy)`): a label, a composition and the total energy of that amount of
 * material. It is plain readonly JSON, so it can cross an activity boundary (STYLE D1).
 *
 * @example
 * const e = PDEntry.create('mp-1143', { Al: 2, O: 3 }, -37.5); // eV for Al2O3
 * PDEntry.energyPerAtom(e); // -7.5 eV/atom
 * PDEntry.fractionalComposition(e); // { Al: 0.4, O: 0.6 }
 */

import { CompositionMap } from './composition-map.js';
import { HullInputError } from './errors.js';

/** One phase: composition and total energy at one level of theory. */
export interface PDEntry {
  /** Caller's label (material id, candidate id); the hull does not interpret it. */
  readonly id: string;
  /** Element -> number of atoms in the amount whose energy is `energyEv`. */
  readonly composition: CompositionMap;
  /** Total energy of `composition` (eV), not per atom. */
  readonly energyEv: number;
}

export const PDEntry = Object.freeze({
  /**
   * A validated, frozen entry. Throws {@link HullInputError} for a malformed composition or an
   * energy that is not finite.
   */
  create(id: string, composition: CompositionMap, energyEv: number): PDEntry {
    return PDEntry.validated({ id, composition, energyEv });
  },

  /**
   * A validated, frozen entry from one given per atom: `energyEv = energyPerAtom * numAtoms`. Handy
   * for data that lists energies per atom, such as formation energies from the Materials Project.
   */
  fromEnergyPerAtom(id: string, composition: CompositionMap, energyPerAtomEv: number): PDEntry {
    const checked = CompositionMap.validated(composition, id);
    return PDEntry.validated({
      id,
      composition: checked,
      energyEv: energyPerAtomEv * CompositionMap.numAtoms(checked),
    });
  },

  /** Checks an entry built elsewhere (e.g. parsed from JSON) and returns a frozen copy. */
  validated(entry: PDEntry): PDEntry {
    const composition = CompositionMap.validated(entry.composition, entry.id);
    if (!Number.isFinite(entry.energyEv)) {
      throw new HullInputError(
        `energy of entry '${entry.id}' must be finite, got ${entry.energyEv}`,
        entry.id,
      );
    }
    return Object.freeze({ id: entry.id, composition, energyEv: entry.energyEv });
  },

  /** Number of atoms in the entry's composition. */
  numAtoms(entry: PDEntry): number {
    return CompositionMap.numAtoms(entry.composition);
  },

  /** Total energy divided by the number of atoms (eV/atom). */
  energyPerAtom(entry: PDEntry): number {
    return entry.energyEv / CompositionMap.numAtoms(entry.composition);
  },

  /** Atom fractions of the entry's composition, summing to 1. */
  fractionalComposition(entry: PDEntry): CompositionMap {
    return CompositionMap.fractional(entry.composition);
  },

  /** Whether the entry contains a single element (a terminal of the phase diagram). */
  isElemental(entry: PDEntry): boolean {
    return CompositionMap.elements(entry.composition).length === 1;
  },
});
