/**
 * Formation energy per atom against elemental reference energies:
 *
 *   E_f = (E - sum_el n_el * mu_el) / N
 *
 * where E is the entry's total energy, n_el its number of atoms of each element, N = sum n_el, and
 * mu_el the reference energy per atom of the pure element, computed at the same level of theory
 * (DESIGN.md, Conventions). All energies in eV; E_f in eV/atom.
 *
 * @example
 * // Li2O at -14.77 eV with mu_Li = -1.91 and mu_O = -4.95 eV/atom:
 * formationEnergyPerAtom(PDEntry.create('Li2O', { Li: 2, O: 1 }, -14.77), { Li: -1.91, O: -4.95 });
 * // (-14.77 - (2 * -1.91 + -4.95)) / 3 = -2.00 eV/atom
 */

import { CompositionMap } from './composition-map.js';
import { MissingReferenceError } from './errors.js';
import type { PDEntry } from './pd-entry.js';

/** Element -> reference energy per atom of the pure element (eV/atom). */
export type ElementalReferences = Readonly<Record<string, number>>;

/**
 * Formation energy per atom of `entry` (eV/atom). Throws {@link MissingReferenceError} naming the
 * first element (alphabetically) of the entry that `referencesPerAtom` lacks.
 */
export function formationEnergyPerAtom(entry: PDEntry, referencesPerAtom: ElementalReferences): number {
  let referenceEv = 0;
  for (const element of CompositionMap.elements(entry.composition)) {
    const mu = referencesPerAtom[element];
    if (mu === undefined) {
      throw new MissingReferenceError(
        `no elemental reference energy for ${element} (needed by entry '${entry.id}')`,
        element,
      );
    }
    referenceEv += (entry.composition[element] ?? 0) * mu;
  }
  return (entry.energyEv - referenceEv) / CompositionMap.numAtoms(entry.composition);
}
