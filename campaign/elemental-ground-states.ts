/**
 * The reference ground-state structure of each element for DFT formation energies: the T = 0 K
 * (or low-temperature) crystal structure of the pure element, built from experimental lattice
 * constants (room temperature; Kittel, "Introduction to Solid State Physics", 8th ed., table 1.3,
 * and the CRC Handbook). The campaign relaxes each one (`vc-relax`) at its own level of theory,
 * so the starting lattice only needs to be close; the relaxed energy per atom is μ_el
 * (`dft-references.ts`).
 *
 * Supported: elements whose ground state is a simple crystal — diamond (C, Si, Ge, α-Sn), bcc
 * (alkali metals, Ba, V, Cr, Fe, Nb, Mo, Ta, W, Eu), fcc (Al, Ca, Ni, Cu, Sr, Rh, Pd, Ag, Ir, Pt,
 * Au, Pb, Ce, Yb), hcp (Be, Mg, Sc, Ti, Co, Zn, Y, Zr, Tc, Ru, Cd, Hf, Re, Os, and the heavier
 * lanthanides) and simple cubic (α-Po).
 *
 * Not supported, by design: gaseous and molecular elements (H, N, O, F, Cl, Br, I, noble gases)
 * and those with complex ground states (B, P, S, Se, Te, As, Sb, Bi, Ga, In, Hg, Mn, Sm, U, …).
 * A molecule-in-a-box reference (O₂, N₂) at GGA carries the well-known overbinding error
 * (≈1.4 eV per O₂ in PBE; Wang, Maxisch, Ceder, Phys. Rev. B 73, 195107 (2006),
 * doi:10.1103/PhysRevB.73.195107) that needs a fitted correction to give meaningful formation
 * energies; rather than report uncorrected numbers, a campaign with such an element is rejected
 * when its configuration is checked (`config.ts`), naming the element.
 *
 * ```ts
 * elementalGroundState('Si'); // { element: 'Si', prototype: 'diamond', structure: 2-atom fcc primitive cell, a = 5.431 Å }
 * elementalGroundState('O'); // undefined: no reference
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

/** Elements of `elements` that have no reference structure in the table. */
export function elementsWithoutGroundState(elements: readonly string[]): string[] {
  return elements.filter((el) => TABLE[el] === undefined);
}
