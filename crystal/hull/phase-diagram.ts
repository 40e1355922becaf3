/**
 * PhaseDiagram: the T = 0 K convex hull of formation energy over composition, for any number of
 * elements, after pymatgen's `PhaseDiagram` (S. P. Ong, L. Wang, B. Kang, G. Ceder, "Li-Fe-P-O2
 * Phase Diagram from First Principles Calculations", Chem. Mater. 20, 1798 (2008),
 * doi:10.1021/cm702327g).
 *
 * Where pymatgen triangulates the hull with Qhull, this class answers each question with a linear
 * program (see `hull-lp.ts`): the hull energy at composition c is the minimum of sum_k x_k E_f(k)
 * over phase fractions x_k >= 0 whose combined composition is c. The LP needs no triangulation,
 * so it works unchanged for binaries, ternaries and beyond, and its optimal basis is the
 * decomposition.
 *
 * Conventions (pymatgen's): energies are eV, per-atom values eV/atom. Each element's reference is
 * its lowest-energy elemental entry, so the entries must include one for every element they
 * contain; `build` refuses them otherwise. To analyse formation energies directly (e.g. Materials
 * Project `formation_energy_per_atom`), give each compound its formation energy and add one
 * elemental entry per element at 0 eV: E_f is then unchanged.
 */

import type { Highs } from 'highs';
import { CompositionMap } from './composition-map.js';
import { HullInputError, MissingReferenceError } from './errors.js';
import { type ElementalReferences, formationEnergyPerAtom } from './formation-energy.js';
import { HullLp, type HullLpPhase, type HullLpSolution, loadHighs } from './hull-lp.js';
import { PDEntry } from './pd-entry.js';
import { DECOMPOSITION_FRACTION_TOL, STABILITY_TOL_EV_PER_ATOM } from './tolerances.js';

/** One phase of a decomposition and the fraction of the atoms it holds. */
export interface DecompositionProduct {
  readonly entry: PDEntry;
  /** Atom fraction (the products' fractions sum to 1). */
  readonly fraction: number;
}

/** A hull vertex (or a phase lying exactly on the hull) with its LP data. */
interface HullPhase extends HullLpPhase {
  readonly entry: PDEntry;
}

export class PhaseDiagram {
  /** The entries as given, in input order. */
  readonly entries: readonly PDEntry[];
  /** Elements spanned by the entries, sorted. */
  readonly elements: readonly string[];
  /** Element -> energy per atom of its lowest elemental entry (eV/atom). */
  readonly elementalReferences: ElementalReferences;

  readonly #highs: Highs;
  readonly #formationEnergy: ReadonlyMap<PDEntry, number>;
  readonly #eAboveHull: ReadonlyMap<PDEntry, number>;
  /** Stable phases, one per composition: every hull query is an LP over these only. */
  readonly #hullPhases: readonly HullPhase[];

  private constructor(
    highs: Highs,
    entries: readonly PDEntry[],
    references: ElementalReferences,
    formationEnergy: ReadonlyMap<PDEntry, number>,
    eAboveHull: ReadonlyMap<PDEntry, number>,
    hullPhases: readonly HullPhase[],
  ) {
    this.#highs = highs;
    this.entries = Object.freeze([...entries]);
    this.elements = Object.freeze(Object.keys(references).sort());
    this.elementalReferences = references;
    this.#formationEnergy = formationEnergy;
    this.#eAboveHull = eAboveHull;
    this.#hullPhases = hullPhases;
  }

  /**
   * Builds the hull of `entries` (total energies, any number of elements).
   *
   * Steps: (1) the reference of each element is its lowest elemental entry per atom; (2) E_f of
   * every entry; (3) per distinct composition (atom fractions to `COMPOSITION_KEY_DECIMALS`), the
   * lowest entry represents it; (4) one warm-started LP over the representatives with
   * E_f <= `STABILITY_TOL_EV_PER_ATOM` (the others cannot be on the hull, which lies at or below 0)
   * gives the hull energy at every distinct composition; (5) representatives on the hull are kept
   * for later queries. Cost: one LP solve per distinct composition (about 1 ms for 10^3 phases).
   *
   * Throws {@link HullInputError} for no entries or a malformed one, and
   * {@link MissingReferenceError} naming an element that has no elemental entry.
   */
  static async build(entries: readonly PDEntry[]): Promise<PhaseDiagram> {
    if (entries.length === 0) throw new HullInputError('PhaseDiagram needs at least one entry');
    for (const entry of entries) PDEntry.validated(entry);

    const references = elementalReferences(entries);
    const formationEnergy = new Map(
      entries.map((entry) => [entry, formationEnergyPerAtom(entry, references)]),
    );

    // Lowest entry per distinct composition; ties keep the first in input order.
    const byKey = new Map<string, HullPhase>();
    for (const entry of entries) {
      const key = CompositionMap.key(entry.composition);
      const e = formationEnergy.get(entry) as number;
      const held = byKey.get(key);
      if (held === undefined || e < held.formationEnergyPerAtom) {
        const fractions = PDEntry.fractionalComposition(entry);
        byKey.set(key, { entry, fractions, formationEnergyPerAtom: e });
      }
    }
    const candidates = [...byKey.values()].filter(
      (p) => p.formationEnergyPerAtom <= STABILITY_TOL_EV_PER_ATOM,
    );

    const highs = await loadHighs();
    const elements = Object.keys(references).sort();
    const hullEnergyByKey = new Map<string, number>();
    const lp = new HullLp(highs, elements, candidates);
    try {
      for (const [key, phase] of byKey)
        hullEnergyByKey.set(key, lp.solve(phase.fractions).formationEnergyPerAtom);
    } finally {
      lp.dispose();
    }

    const eAboveHull = new Map<PDEntry, number>();
    for (const entry of entries) {
      const hull = hullEnergyByKey.get(CompositionMap.key(entry.composition)) as number;
      // The entry's composition is a column of the LP, so only rounding can make this < 0.
      eAboveHull.set(entry, snapToZero(Math.max(0, (formationEnergy.get(entry) as number) - hull)));
    }
    const hullPhases = candidates.filter(
      (p) => (eAboveHull.get(p.entry) as number) <= STABILITY_TOL_EV_PER_ATOM,
    );
    return new PhaseDiagram(highs, entries, references, formationEnergy, eAboveHull, hullPhases);
  }

  /** E_f of an entry against this diagram's elemental references (eV/atom). */
  formationEnergyPerAtom(entry: PDEntry): number {
    return this.#formationEnergy.get(entry) ?? formationEnergyPerAtom(entry, this.elementalReferences);
  }

  /**
   * Energy above the hull (eV/atom): E_f(entry) minus the hull's E_f at the entry's composition.
   * For an entry of this diagram it is >= 0, and exactly 0 for stable entries (values within
   * `STABILITY_TOL_EV_PER_ATOM` of 0 are reported as 0, for any entry). Any other entry (a
   * new candidate) is measured against this hull without joining it, so a negative value means
   * the entry would lower the hull by that much: it is a new stable phase.
   */
  eAboveHull(entry: PDEntry): number {
    const known = this.#eAboveHull.get(entry);
    if (known !== undefined) return known;
    return snapToZero(
      this.formationEnergyPerAtom(entry) - this.hullFormationEnergyPerAtom(entry.composition),
    );
  }

  /**
   * Entries with `eAboveHull <= STABILITY_TOL_EV_PER_ATOM`, in input order. This includes every
   * copy of a duplicated entry and any entry lying exactly on a tie line (pymatgen lists only hull
   * vertices, one per composition).
   */
  stableEntries(): PDEntry[] {
    return this.entries.filter(
      (entry) => (this.#eAboveHull.get(entry) as number) <= STABILITY_TOL_EV_PER_ATOM,
    );
  }

  /**
   * The stable phases that a material of `composition` separates into at equilibrium, with atom
   * fractions above `DECOMPOSITION_FRACTION_TOL`, largest first. A stable composition decomposes
   * into itself. Where several stable entries share a composition, the first lowest one stands
   * for them. When the hull is flat (a phase exactly on a tie line), any optimal set may come back.
   */
  decomposition(composition: CompositionMap): DecompositionProduct[] {
    const { phases, solution } = this.#solve(composition);
    const products: DecompositionProduct[] = [];
    solution.fractions.forEach((fraction, k) => {
      const phase = phases[k];
      if (phase !== undefined && fraction > DECOMPOSITION_FRACTION_TOL)
        products.push({ entry: phase.entry, fraction });
    });
    return products.sort((a, b) => b.fraction - a.fraction);
  }

  /** The hull's formation energy at `composition` (eV/atom); 0 at the elements, never above 0. */
  hullFormationEnergyPerAtom(composition: CompositionMap): number {
    return this.#solve(composition).solution.formationEnergyPerAtom;
  }

  /**
   * The hull's total energy per atom at `composition` (eV/atom), on the same scale as
   * `PDEntry.energyPerAtom` (pymatgen's `get_hull_energy_per_atom`): the hull's E_f plus the
   * composition-weighted elemental references.
   */
  hullEnergyPerAtom(composition: CompositionMap): number {
    let referencePerAtom = 0;
    for (const [element, x] of Object.entries(CompositionMap.fractional(composition))) {
      referencePerAtom += x * (this.elementalReferences[element] ?? 0);
    }
    return this.hullFormationEnergyPerAtom(composition) + referencePerAtom;
  }

  /** LP over the hull phases inside `composition`'s chemical system. */
  #solve(composition: CompositionMap): { phases: readonly HullPhase[]; solution: HullLpSolution } {
    const target = CompositionMap.fractional(CompositionMap.validated(composition));
    const elements = Object.keys(target);
    for (const element of elements) {
      if (this.elementalReferences[element] === undefined) {
        throw new MissingReferenceError(`${element} is not an element of this phase diagram`, element);
      }
    }
    const inSystem = (p: HullPhase) =>
      Object.keys(p.fractions).every((element) => Object.hasOwn(target, element));
    const phases = this.#hullPhases.filter(inSystem);
    return { phases, solution: HullLp.solveOnce(this.#highs, elements, phases, target) };
  }
}

/** Lowest energy per atom among each element's elemental entries; every element must have one. */
function elementalReferences(entries: readonly PDEntry[]): ElementalReferences {
  const references: Record<string, number> = {};
  const elements = new Set<string>();
  for (const entry of entries) {
    for (const element of CompositionMap.elements(entry.composition)) elements.add(element);
    if (!PDEntry.isElemental(entry)) continue;
    const [element] = CompositionMap.elements(entry.composition) as [string];
    const e = PDEntry.energyPerAtom(entry);
    if (!Object.hasOwn(references, element) || e < (references[element] as number)) references[element] = e;
  }
  for (const element of [...elements].sort()) {
    if (!Object.hasOwn(references, element)) {
      throw new MissingReferenceError(
        `no elemental entry for ${element}: a phase diagram needs one per element (its terminal)`,
        element,
      );
    }
  }
  return Object.freeze(references);
}

/** Values within the stability tolerance of 0 are 0: they are on the hull. */
function snapToZero(eAboveHull: number): number {
  return Math.abs(eAboveHull) <= STABILITY_TOL_EV_PER_ATOM ? 0 : eAboveHull;
}
