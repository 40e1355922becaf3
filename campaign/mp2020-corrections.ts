/**
 * MP2020-style fitted anion corrections (Wang et al., Sci. Rep. 11, 15496 (2021),
 * doi:10.1038/s41598-021-94550-5; values of pymatgen's MP2020Compatibility.yaml, eV per anion
 * atom). GGA misplaces the energy of an anion relative to its elemental reference (O₂ overbinding,
 * N₂, the halogen molecules, …); these constants, fitted to experimental formation enthalpies,
 * put formation energies on a scale comparable with experiment and the Materials Project.
 *
 * They are a *second* number: every stability decision uses the raw formation energy at the level
 * of theory, which a per-element constant cannot change (a shift of μ_el moves no hull vertex and no
 * e_above_hull). The corrected value is for comparing with experiment or with MP.
 *
 * Rules, simpler than pymatgen's (which guesses oxidation states): the correction applies to the
 * most electronegative element of a compound when it is in the table (so O in oxides, not in
 * OF₂; S in sulfides, not in sulfates); oxygen is an oxide, a peroxide or a superoxide by its
 * shortest O–O distance (< 1.35 Å superoxide, < 1.49 Å peroxide, as pymatgen's `oxide_type`).
 * Mixed-anion compounds get the correction of their most electronegative anion only.
 *
 * GGA/GGA+U mixing: a compound computed with U (oxides and fluorides of V–W under the 'standard' and
 * 'production' profiles, dft/hubbard-u.ts) is put on the scale of the plain-GGA metal references by
 * MP2020's fitted constant per U atom (Fe −2.256 eV, …). The constants were fitted to VASP's PAW
 * projectors; QE's ortho-atomic U shifts energies by a similar amount (FeO: +2.43 eV per Fe at the
 * same geometry, test/dft/hubbard-u.test.ts), not the same one, so the corrected value of a GGA+U
 * compound is an estimate good to a few tenths of an eV per U atom.
 */
import { Element } from '../crystal/elements.js';
import { neighborList } from '../crystal/neighbor-list.js';
import { Structure } from '../crystal/structure.js';
import { hubbardUFor } from '../dft/hubbard-u.js';

/** eV per anion atom. */
export const MP2020_ANION_CORRECTION_EV = Object.freeze({
  oxide: -0.687,
  peroxide: -0.465,
  superoxide: -0.161,
  S: -0.503,
  F: -0.462,
  Cl: -0.614,
  Br: -0.534,
  I: -0.379,
  N: -0.361,
  Se: -0.472,
  Te: -0.422,
  H: -0.179,
  Sb: -0.192,
  Si: 0.071,
});

/** eV per atom with U, MP2020 `GGAUMixingCorrections` (the same for oxides and fluorides). */
export const MP2020_HUBBARD_U_CORRECTION_EV: Readonly<Record<string, number>> = Object.freeze({
  V: -1.7,
  Cr: -1.999,
  Mn: -1.668,
  Fe: -2.256,
  Co: -1.638,
  Ni: -2.541,
  W: -4.438,
  Mo: -3.202,
});

export type OxideType = 'oxide' | 'peroxide' | 'superoxide';

/** Oxide, peroxide or superoxide, by the shortest O–O distance (with periodic images). */
export function oxideType(structure: Structure): OxideType {
  const oxygens = new Set(structure.species.flatMap((el, i) => (el === 'O' ? [i] : [])));
  const nl = neighborList(structure, 1.49);
  let shortest = Infinity;
  for (let e = 0; e < nl.distances.length; e++)
    if (oxygens.has(nl.src[e]!) && oxygens.has(nl.dst[e]!)) shortest = Math.min(shortest, nl.distances[e]!);
  return shortest < 1.35 ? 'superoxide' : shortest < 1.49 ? 'peroxide' : 'oxide';
}

export interface AnionCorrection {
  readonly element: string;
  /** 'oxide' | 'peroxide' | 'superoxide' for O; the element otherwise. */
  readonly kind: string;
  readonly evPerAnion: number;
  readonly anions: number;
  /** The correction to the formation energy, eV/atom (anions × evPerAnion / atoms). */
  readonly evPerAtom: number;
}

/** The correction of `structure`'s formation energy, or undefined when none applies (elements, no anion of the table). */
export function mp2020AnionCorrection(structure: Structure): AnionCorrection | undefined {
  const counts = Structure.composition(structure);
  if (counts.size < 2) return undefined;
  const anion = [...counts.keys()].reduce((a, b) =>
    (Element.bySymbol(b).electronegativity ?? 0) > (Element.bySymbol(a).electronegativity ?? 0) ? b : a,
  );
  const kind = anion === 'O' ? oxideType(structure) : anion;
  const evPerAnion = (MP2020_ANION_CORRECTION_EV as Record<string, number>)[kind];
  if (evPerAnion === undefined) return undefined;
  const anions = counts.get(anion)!;
  return {
    element: anion,
    kind,
    evPerAnion,
    anions,
    evPerAtom: (anions * evPerAnion) / structure.species.length,
  };
}

export interface HubbardCorrection {
  /** eV per atom of each element that had U. */
  readonly evPerUAtom: Readonly<Record<string, number>>;
  /** The correction to the formation energy, eV/atom. */
  readonly evPerAtom: number;
}

/**
 * The GGA/GGA+U mixing correction of a structure computed with U (`usedHubbardU`), or undefined
 * when it had none or no element of the table got U.
 */
export function mp2020HubbardCorrection(
  structure: Structure,
  usedHubbardU: boolean,
): HubbardCorrection | undefined {
  const u = usedHubbardU ? hubbardUFor(structure.species) : null;
  if (u === null) return undefined;
  const evPerUAtom = Object.fromEntries([...u.keys()].map((el) => [el, MP2020_HUBBARD_U_CORRECTION_EV[el]!]));
  const total = structure.species.reduce((sum, el) => sum + (evPerUAtom[el] ?? 0), 0);
  return { evPerUAtom, evPerAtom: total / structure.species.length };
}

/** Both MP2020 corrections of a formation energy, as stored in `dft_calculations.mp2020_correction`. */
export interface Mp2020Correction {
  readonly anion: AnionCorrection | null;
  readonly hubbard: HubbardCorrection | null;
  /** The sum, eV/atom. */
  readonly evPerAtom: number;
}

/** The anion and GGA/GGA+U corrections of `structure`, or undefined when neither applies. */
export function mp2020Correction(structure: Structure, usedHubbardU: boolean): Mp2020Correction | undefined {
  const anion = mp2020AnionCorrection(structure) ?? null;
  const hubbard = mp2020HubbardCorrection(structure, usedHubbardU) ?? null;
  if (anion === null && hubbard === null) return undefined;
  return { anion, hubbard, evPerAtom: (anion?.evPerAtom ?? 0) + (hubbard?.evPerAtom ?? 0) };
}
