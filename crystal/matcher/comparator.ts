/**
 * Site comparators: the swappable policy that says which sites may be matched to each other, and
 * a cheap hash that must be equal for two structures to be compared at all (pymatgen's
 * `AbstractComparator` with `are_equal` and `get_hash`). Our sites carry plain element symbols, so
 * pymatgen's SpeciesComparator and ElementComparator coincide here.
 */
import { Composition } from '../composition.js';

/** Which sites may be paired, and the pre-filter hash. */
export interface Comparator {
  /** Short name, for logs and errors. */
  readonly name: string;
  /** True when a site of species `a` may be matched to a site of species `b`. Must be an equivalence. */
  areEqual(a: string, b: string): boolean;
  /** Structures whose hashes differ never match (computed from the species list of a structure). */
  hash(species: readonly string[]): string;
}

/**
 * Species must be identical (Fe only onto Fe): pymatgen's default SpeciesComparator. The hash is
 * the reduced formula, so 'Li4Si2O6' and 'Li2SiO3' cells are compared, 'LiSiO3' is not.
 */
export const SpeciesComparator: Comparator = Object.freeze({
  name: 'SpeciesComparator',
  areEqual: (a: string, b: string) => a === b,
  hash: (species: readonly string[]) => Composition.reducedFormula(Composition.fromSpecies(species)),
});

/** Any site onto any site: compares frameworks only (pymatgen's FrameworkComparator). The hash is constant. */
export const FrameworkComparator: Comparator = Object.freeze({
  name: 'FrameworkComparator',
  areEqual: () => true,
  hash: () => '',
});
