/**
 * The DFT reference of every element, for formation energies: what structure μ_el is computed
 * from, which calculation, and where the structure comes from. Four kinds:
 *
 * - `solid`: elements whose ground state is a simple crystal — diamond (C, Si, Ge, α-Sn), bcc
 *   (alkali metals, Ba, V, Cr, Fe, Nb, Mo, Ta, W, Eu), fcc (Al, Ca, Ni, Cu, Sr, Rh, Pd, Ag, Ir, Pt,
 *   Au, Pb, Ce, Yb), hcp (Be, Mg, Sc, Ti, Co, Zn, Y, Zr, Tc, Ru, Cd, Hf, Re, Os, the heavier
 *   lanthanides), simple cubic (α-Po) — built from experimental lattice constants (room
 *   temperature; Kittel, "Introduction to Solid State Physics", 8th ed., table 1.3, and the CRC
 *   Handbook) and vc-relaxed.
 * - `molecule`: H, N, O, F, Cl, Br, I as diatomic molecules (experimental bond lengths, NIST
 *   CCCBDB) in a cubic box of {@link MOLECULE_BOX_EDGE_A} Å, relaxed at fixed cell; O₂ runs
 *   spin-polarised (a triplet, `dft/qe/pw-parameters.ts`). Br and I take a crystal from the
 *   reference data where one is imported. A GGA molecule carries a known overbinding error (≈1.4 eV
 *   per O₂ in PBE; Wang, Maxisch, Ceder, Phys. Rev. B 73, 195107 (2006)) that cancels in every
 *   stability decision at one level of theory (a shift of μ_el moves no hull vertex and no
 *   e_above_hull) and only matters for formation energies compared across methods.
 * - `atom`: the noble gases, one atom in the same box.
 * - `reference-data`: every other element (complex ground states: B, P, S, Se, Te, As, Sb, Bi, Ga,
 *   In, Hg, Mn, …): the lowest-energy phase of the pure element among the reference phases in the
 *   database (`matdisc db import-reference`), vc-relaxed; its source names the phase.
 *
 * ```ts
 * elementalReference('Si'); // { kind: 'solid', prototype: 'diamond', calculation: 'vc-relax', structure: 2-atom cell }
 * elementalReference('O'); // { kind: 'molecule', calculation: 'relax', structure: O₂ in a 10 Å box }
 * elementalReference('Ga'); // { kind: 'reference-data', calculation: 'vc-relax' } (structure from the database)
 * ```
 */
import { Lattice } from '../crystal/lattice.js';
import { Structure } from '../crystal/structure.js';

/** Crystal structure types of the table. */
export const GroundStatePrototype = {
  diamond: 'diamond',
  bcc: 'bcc',
  fcc: 'fcc',
  hcp: 'hcp',
  sc: 'sc',
} as const;
export type GroundStatePrototype = (typeof GroundStatePrototype)[keyof typeof GroundStatePrototype];

interface Entry {
  readonly prototype: GroundStatePrototype;
  /** Conventional cubic lattice constant, or hcp a, Å. */
  readonly a: number;
  /** hcp c, Å. */
  readonly c?: number;
}

const diamond = (a: number): Entry => ({ prototype: 'diamond', a });
const bcc = (a: number): Entry => ({ prototype: 'bcc', a });
const fcc = (a: number): Entry => ({ prototype: 'fcc', a });
const hcp = (a: number, c: number): Entry => ({ prototype: 'hcp', a, c });

/** Element -> ground-state prototype and experimental lattice constants (Å). */
const TABLE: Readonly<Record<string, Entry>> = Object.freeze({
  C: diamond(3.567),
  Si: diamond(5.431),
  Ge: diamond(5.658),
  Sn: diamond(6.489),
  Li: bcc(3.491),
  Na: bcc(4.225),
  K: bcc(5.225),
  Rb: bcc(5.585),
  Cs: bcc(6.045),
  Ba: bcc(5.023),
  V: bcc(3.03),
  Cr: bcc(2.91),
  Fe: bcc(2.87),
  Nb: bcc(3.3),
  Mo: bcc(3.147),
  Ta: bcc(3.306),
  W: bcc(3.165),
  Eu: bcc(4.61),
  Al: fcc(4.05),
  Ca: fcc(5.58),
  Ni: fcc(3.524),
  Cu: fcc(3.615),
  Sr: fcc(6.085),
  Rh: fcc(3.803),
  Pd: fcc(3.891),
  Ag: fcc(4.086),
  Ir: fcc(3.839),
  Pt: fcc(3.924),
  Au: fcc(4.078),
  Pb: fcc(4.95),
  Ce: fcc(5.161),
  Yb: fcc(5.485),
  Be: hcp(2.286, 3.584),
  Mg: hcp(3.209, 5.211),
  Sc: hcp(3.309, 5.273),
  Ti: hcp(2.951, 4.686),
  Co: hcp(2.507, 4.069),
  Zn: hcp(2.665, 4.947),
  Y: hcp(3.647, 5.731),
  Zr: hcp(3.232, 5.147),
  Tc: hcp(2.735, 4.388),
  Ru: hcp(2.706, 4.282),
  Cd: hcp(2.979, 5.619),
  Hf: hcp(3.195, 5.051),
  Re: hcp(2.761, 4.456),
  Os: hcp(2.734, 4.317),
  Gd: hcp(3.636, 5.783),
  Tb: hcp(3.601, 5.694),
  Dy: hcp(3.593, 5.654),
  Ho: hcp(3.578, 5.618),
  Er: hcp(3.559, 5.585),
  Tm: hcp(3.538, 5.554),
  Lu: hcp(3.505, 5.549),
  Po: { prototype: 'sc', a: 3.359 },
});

export interface ElementalGroundState {
  readonly element: string;
  readonly prototype: GroundStatePrototype;
  /** The primitive cell (diamond and fcc: 2 and 1 atoms on the fcc lattice; bcc 1; hcp 2; sc 1). */
  readonly structure: Structure;
}

/** The reference structure of `element`, or undefined when the table has none (see the module doc). */
export function elementalGroundState(element: string): ElementalGroundState | undefined {
  const e = TABLE[element];
  if (!e) return undefined;
  const { a } = e;
  const fccLattice = Lattice.fcc(a);
  let structure: Structure;
  switch (e.prototype) {
    case 'diamond':
      structure = Structure.create(
        fccLattice,
        [element, element],
        [
          [0, 0, 0],
          [0.25, 0.25, 0.25],
        ],
      );
      break;
    case 'fcc':
      structure = Structure.create(fccLattice, [element], [[0, 0, 0]]);
      break;
    case 'bcc':
      structure = Structure.create(Lattice.bcc(a), [element], [[0, 0, 0]]);
      break;
    case 'hcp':
      structure = Structure.create(
        Lattice.hexagonal(a, e.c!),
        [element, element],
        [
          [1 / 3, 2 / 3, 0.25],
          [2 / 3, 1 / 3, 0.75],
        ],
      );
      break;
    case 'sc':
      structure = Structure.create(Lattice.cubic(a), [element], [[0, 0, 0]]);
      break;
  }
  return { element, prototype: e.prototype, structure };
}

/** Edge of the cubic box of a molecule or atom reference, Å (the box test in campaign/README.md). */
export const MOLECULE_BOX_EDGE_A = 10;

/** Experimental bond lengths of the diatomic elemental molecules, Å (NIST CCCBDB). */
const BOND_LENGTH_A: Readonly<Record<string, number>> = Object.freeze({
  H: 0.741,
  N: 1.098,
  O: 1.208,
  F: 1.412,
  Cl: 1.988,
  Br: 2.281,
  I: 2.666,
});

const NOBLE_GASES: ReadonlySet<string> = new Set(['He', 'Ne', 'Ar', 'Kr', 'Xe', 'Rn']);

/** Kinds of elemental reference (the module doc says what each is). */
export type ElementalReferenceKind = 'solid' | 'molecule' | 'atom' | 'reference-data';

export interface ElementalReference {
  readonly element: string;
  readonly kind: ElementalReferenceKind;
  /** A relaxed cell (`vc-relax`), a molecule relaxed in a fixed box (`relax`), or an atom (`scf`). */
  readonly calculation: 'vc-relax' | 'relax' | 'scf';
  /** The starting structure; absent for `reference-data` until the database supplies one. */
  readonly structure?: Structure;
  /** Where the structure comes from, recorded with μ_el. */
  readonly source: string;
}

/** Atoms at Cartesian offsets (Å) from the centre of a cubic box of {@link MOLECULE_BOX_EDGE_A}. */
function inBox(
  species: readonly string[],
  offsetsA: readonly (readonly [number, number, number])[],
): Structure {
  const l = MOLECULE_BOX_EDGE_A;
  return Structure.create(
    Lattice.cubic(l),
    species,
    offsetsA.map(([x, y, z]): [number, number, number] => [0.5 + x / l, 0.5 + y / l, 0.5 + z / l]),
  );
}

/**
 * The reference of `element`. `crystalFromData` is the lowest-energy phase of the pure element
 * among the imported reference phases, where the caller found one (Br and I prefer it to the
 * molecule; the complex-ground-state elements need it).
 */
export function elementalReference(
  element: string,
  crystalFromData?: { readonly structure: Structure; readonly source: string },
): ElementalReference {
  const solid = elementalGroundState(element);
  if (solid)
    return {
      element,
      kind: 'solid',
      calculation: 'vc-relax',
      structure: solid.structure,
      source: `${solid.prototype}, experimental lattice constants`,
    };
  const bond = BOND_LENGTH_A[element];
  if (bond !== undefined && !(crystalFromData && (element === 'Br' || element === 'I')))
    return {
      element,
      kind: 'molecule',
      calculation: 'relax',
      structure: inBox(
        [element, element],
        [
          [0, 0, -bond / 2],
          [0, 0, bond / 2],
        ],
      ),
      source: `${element}2 molecule, bond ${bond} Å (experiment), ${MOLECULE_BOX_EDGE_A} Å box`,
    };
  if (NOBLE_GASES.has(element))
    return {
      element,
      kind: 'atom',
      calculation: 'scf',
      structure: inBox([element], [[0, 0, 0]]),
      source: `isolated atom, ${MOLECULE_BOX_EDGE_A} Å box`,
    };
  return {
    element,
    kind: 'reference-data',
    calculation: 'vc-relax',
    ...(crystalFromData ? { structure: crystalFromData.structure } : {}),
    source:
      crystalFromData?.source ??
      'lowest-energy phase of the pure element among the imported reference phases: none imported',
  };
}

/** Whether `element` needs a phase from the imported reference data for its reference. */
export const needsReferenceData = (element: string): boolean =>
  elementalReference(element).kind === 'reference-data';
