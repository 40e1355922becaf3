/**
 * `Structure`: a periodic crystal. Plain readonly JSON (it crosses activity boundaries and is
 * stored as rows), with a frozen companion object of functions (STYLE.md D1).
 *
 * Units: lattice rows are the lattice vectors in Å; fracCoords are fractional, wrapped to [0, 1)
 * by `Structure.create`; species are element symbols.
 */
import { createHash } from 'node:crypto';
import { Composition } from './composition.js';
import { inverse3, Lattice, type Mat3, type Vec3 } from './lattice.js';
import { niggliReduce, type NiggliOptions } from './niggli.js';

/** g/cm³ per amu/Å³ (1 amu = 1.66053906660e-24 g, 1 Å³ = 1e-24 cm³). */
const AMU_PER_A3_IN_G_PER_CM3 = 1.6605390666;

export interface Structure {
  readonly lattice: Mat3;
  readonly species: readonly string[];
  readonly fracCoords: readonly Vec3[];
}

function wrap(x: number): number {
  const w = x - Math.floor(x);
  return w >= 1 - 1e-12 ? 0 : w; // -1e-17 would otherwise wrap to exactly 1
}

export const Structure = Object.freeze({
  /** Builds a structure and wraps coordinates into [0, 1). Throws naming the bad field. */
  create(lattice: Mat3, species: readonly string[], fracCoords: readonly Vec3[]): Structure {
    if (species.length !== fracCoords.length) {
      throw new Error(
        `species has ${species.length} entries but fracCoords has ${fracCoords.length}: they must match`,
      );
    }
    if (species.length === 0) throw new Error('structure has no sites: species must not be empty');
    return Object.freeze({
      lattice: lattice.map((r) => [...r] as unknown as Vec3) as unknown as Mat3,
      species: [...species],
      fracCoords: fracCoords.map((f) => [wrap(f[0]), wrap(f[1]), wrap(f[2])] as Vec3),
    });
  },

  fromCartesian(lattice: Mat3, species: readonly string[], cartCoords: readonly Vec3[]): Structure {
    return Structure.create(
      lattice,
      species,
      cartCoords.map((x) => Lattice.toFractional(lattice, x)),
    );
  },

  cartCoords(s: Structure): Vec3[] {
    return s.fracCoords.map((f) => Lattice.toCartesian(s.lattice, f));
  },

  volume(s: Structure): number {
    return Math.abs(Lattice.volume(s.lattice));
  },

  /** Element -> count, in order of first appearance. */
  composition(s: Structure): Map<string, number> {
    const counts = new Map<string, number>();
    for (const el of s.species) counts.set(el, (counts.get(el) ?? 0) + 1);
    return counts;
  },

  /** Reduced formula, pymatgen style: 'Li2SiO3', 'Fe2(SO4)3' (see {@link Composition.reducedFormula}). */
  reducedFormula(s: Structure): string {
    return Composition.reducedFormula(Composition.fromSpecies(s.species));
  },

  /** Mass density, g/cm³. */
  density(s: Structure): number {
    return (
      (Composition.weight(Composition.fromSpecies(s.species)) / Structure.volume(s)) * AMU_PER_A3_IN_G_PER_CM3
    );
  },

  /** Volume per atom, Å³. */
  volumePerAtom(s: Structure): number {
    return Structure.volume(s) / s.species.length;
  },

  /**
   * The same crystal in its Niggli-reduced cell (see {@link niggliReduce}): same sites, same
   * orientation, coordinates re-expressed and wrapped into [0, 1).
   */
  niggli(s: Structure, options?: NiggliOptions): Structure {
    const { lattice, transformation } = niggliReduce(s.lattice, options);
    // x = f·M = f·P⁻¹·M', so f' = f·P⁻¹; P is unimodular, so P⁻¹ is integer (rounded to be exact).
    const pInv = inverse3(transformation).map((r) => r.map(Math.round)) as unknown as Mat3;
    const fracCoords = s.fracCoords.map((f): Vec3 => [
      f[0] * pInv[0][0] + f[1] * pInv[1][0] + f[2] * pInv[2][0],
      f[0] * pInv[0][1] + f[1] * pInv[1][1] + f[2] * pInv[2][1],
      f[0] * pInv[0][2] + f[1] * pInv[1][2] + f[2] * pInv[2][2],
    ]);
    return Structure.create(lattice, s.species, fracCoords);
  },

  /** Elements sorted alphabetically and joined by '-', e.g. 'Li-O-Si'. */
  chemicalSystem(s: Structure): string {
    return [...new Set(s.species)].sort().join('-');
  },

  /** Stable hash of the structure as stored (species order, lattice, coords to 1e-6). */
  contentHash(s: Structure): string {
    const round = (x: number) => (Math.round(x * 1e6) / 1e6).toFixed(6);
    const sites = s.species.map((el, i) => `${el}:${s.fracCoords[i]!.map(round).join(',')}`).sort();
    const text = `${s.lattice.flat().map(round).join(',')}|${sites.join(';')}`;
    return createHash('sha256').update(text).digest('hex');
  },
});
