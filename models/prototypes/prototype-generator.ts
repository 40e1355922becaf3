/**
 * The built-in `prototypes` generator: simple prototype cells (fcc, bcc, sc, diamond for one
 * element; rock salt, CsCl, zinc blende for two) decorated with the campaign's elements, lattice
 * constants from covalent radii, and a seeded small strain and rattle. It is a substitution
 * baseline, not a model; it also gives elemental reference cells for the MLIP hull
 * (`place-on-hull.ts`), and lets a campaign run end to end while the trained diffusion model is
 * missing (the untrained fixture generator produces no valid cell).
 */
import { Element } from '../../crystal/elements.js';
import { Lattice, type Mat3, type Vec3 } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { Prng } from '../generator/index.js';

/** Unary prototypes of `el`, nearest-neighbour distance = 2 × covalent radius. */
export function elementalPrototypes(el: string): { name: string; structure: Structure }[] {
  const d = 2 * Element.bySymbol(el).covalentRadius;
  return [
    { name: 'fcc', structure: Structure.create(Lattice.fcc(d * Math.SQRT2), [el], [[0, 0, 0]]) },
    { name: 'bcc', structure: Structure.create(Lattice.bcc((2 * d) / Math.sqrt(3)), [el], [[0, 0, 0]]) },
    { name: 'sc', structure: Structure.create(Lattice.cubic(d), [el], [[0, 0, 0]]) },
    {
      name: 'diamond',
      structure: Structure.create(
        Lattice.fcc((4 * d) / Math.sqrt(3)),
        [el, el],
        [
          [0, 0, 0],
          [0.25, 0.25, 0.25],
        ],
      ),
    },
  ];
}

/** Binary AB prototypes, A–B distance = sum of covalent radii. */
export function binaryPrototypes(a: string, b: string): { name: string; structure: Structure }[] {
  const d = Element.bySymbol(a).covalentRadius + Element.bySymbol(b).covalentRadius;
  return [
    {
      name: 'rocksalt',
      structure: Structure.create(
        Lattice.fcc(2 * d),
        [a, b],
        [
          [0, 0, 0],
          [0.5, 0.5, 0.5],
        ],
      ),
    },
    {
      name: 'cscl',
      structure: Structure.create(
        Lattice.cubic((2 * d) / Math.sqrt(3)),
        [a, b],
        [
          [0, 0, 0],
          [0.5, 0.5, 0.5],
        ],
      ),
    },
    {
      name: 'zincblende',
      structure: Structure.create(
        Lattice.fcc((4 * d) / Math.sqrt(3)),
        [a, b],
        [
          [0, 0, 0],
          [0.25, 0.25, 0.25],
        ],
      ),
    },
  ];
}

/** All prototypes of a chemical system ('Si', 'Ga-As'): unaries of each element, binaries of each pair. */
export function systemPrototypes(elements: readonly string[]): { name: string; structure: Structure }[] {
  const out = elements.flatMap((e) => elementalPrototypes(e));
  for (let i = 0; i < elements.length; i++)
    for (let j = i + 1; j < elements.length; j++) out.push(...binaryPrototypes(elements[i]!, elements[j]!));
  return out;
}

/**
 * Sample `index` of a round: prototype `index mod P`, strained by up to ±3 % per axis and rattled
 * by up to 0.01 (fractional), from the seeded stream `index` of `seed`.
 */
export function prototypeSample(elements: readonly string[], seed: number, index: number): Structure {
  const protos = systemPrototypes(elements);
  const p = protos[index % protos.length]!.structure;
  const rng = new Prng(seed, index);
  const strain = [0, 1, 2].map(() => 1 + 0.06 * (rng.uniform() - 0.5));
  const lattice = p.lattice.map((row) => row.map((x, k) => x * strain[k]!)) as unknown as Mat3;
  const frac = p.fracCoords.map((f) =>
    f.map((x) => (((x + 0.02 * (rng.uniform() - 0.5)) % 1) + 1) % 1),
  ) as unknown as Vec3[];
  return Structure.create(lattice, p.species, frac);
}
