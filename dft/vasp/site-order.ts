/**
 * VASP needs the atoms of each element together (one POSCAR block and one POTCAR entry per
 * element), while callers keep their own site order. `groupBySpecies` sorts the sites and returns the
 * permutation; the template stores it beside the inputs (`matdisc-sites.json`), and parsing uses it
 * to hand forces and structures back in the caller's order.
 *
 * Elements keep the order of their first appearance and sites keep their relative order within an
 * element (a stable sort), so an already grouped structure comes back unchanged.
 *
 * ```ts
 * groupBySpecies(Structure.create(lattice, ['O', 'Li', 'O', 'Li'], coords)).siteOrder;
 * // [0, 2, 1, 3]: POSCAR lists O(site 0), O(site 2), Li(site 1), Li(site 3)
 * ```
 */
import { Structure } from '../../crystal/structure.js';

/** Name of the file, in the attempt directory, that records the permutation. */
export const SITE_ORDER_FILE = 'matdisc-sites.json';

/** Contents of {@link SITE_ORDER_FILE}. */
export interface SiteOrderFile {
  readonly engine: 'vasp';
  /** `siteOrder[j]` is the caller's index of VASP atom j. */
  readonly siteOrder: readonly number[];
  /** Element per caller site (to check the outputs belong to this structure). */
  readonly callerSpecies: readonly string[];
}

/** The structure in VASP order, and where each VASP atom came from. */
export function groupBySpecies(structure: Structure): {
  readonly structure: Structure;
  readonly siteOrder: number[];
} {
  const elements = [...new Set(structure.species)];
  const siteOrder = elements.flatMap((el) => structure.species.flatMap((s, i) => (s === el ? [i] : [])));
  const grouped = Structure.create(
    structure.lattice,
    siteOrder.map((i) => structure.species[i]!),
    siteOrder.map((i) => structure.fracCoords[i]!),
  );
  return { structure: grouped, siteOrder };
}

/** Puts per-atom values from VASP's order back into the caller's order. */
export function toCallerOrder<T>(values: readonly T[], siteOrder: readonly number[]): T[] {
  if (values.length !== siteOrder.length) {
    throw new RangeError(
      `${values.length} values for ${siteOrder.length} sites: the outputs do not belong to this structure`,
    );
  }
  const out = new Array<T>(values.length);
  siteOrder.forEach((callerIndex, j) => {
    out[callerIndex] = values[j]!;
  });
  return out;
}

/** A structure from VASP's order back in the caller's order. */
export function structureToCallerOrder(structure: Structure, siteOrder: readonly number[]): Structure {
  return Structure.create(
    structure.lattice,
    toCallerOrder(structure.species, siteOrder),
    toCallerOrder(structure.fracCoords, siteOrder),
  );
}
