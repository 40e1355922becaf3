import { describe, expect, it } from 'vitest';
import { Lattice, type Mat3, type Vec3 } from '../../../crystal/lattice.js';
import { PeriodicMetric } from '../../../crystal/matcher/periodic-metric.js';
import { primitiveStructure, pureTranslations } from '../../../crystal/matcher/primitive-cell.js';
import { Structure } from '../../../crystal/structure.js';
import { supercell } from '../../../crystal/supercell.js';
import { readMp20 } from './mp20-data.js';
import { rng, sample } from './transforms.js';

const NON_DIAGONAL: Mat3 = [
  [2, 1, 0],
  [0, 1, 1],
  [1, 0, 1],
]; // det 3

const fcc = Structure.create(
  Lattice.cubic(3.6),
  ['Cu', 'Cu', 'Cu', 'Cu'],
  [
    [0, 0, 0],
    [0.5, 0.5, 0],
    [0.5, 0, 0.5],
    [0, 0.5, 0.5],
  ],
);

/** Conventional rock salt: Na on the fcc sites, Cl shifted by (1/2, 0, 0). */
const rockSalt = Structure.create(
  Lattice.cubic(5.64),
  [...fcc.species.map(() => 'Na'), ...fcc.species.map(() => 'Cl')],
  [...fcc.fracCoords, ...fcc.fracCoords.map((f): Vec3 => [f[0] + 0.5, f[1], f[2]])],
);

describe('primitiveStructure', () => {
  it('reduces conventional fcc Cu to the 60° rhombohedral cell of one atom', () => {
    const p = primitiveStructure(fcc);
    expect(p.species).toEqual(['Cu']);
    const [a, b, c, alpha, beta, gamma] = Lattice.parameters(p.lattice);
    for (const x of [a, b, c]) expect(x).toBeCloseTo(3.6 / Math.SQRT2, 10);
    for (const x of [alpha, beta, gamma]) expect(x).toBeCloseTo(60, 8);
  });

  it('reduces conventional rock salt to one Na and one Cl in a quarter of the volume', () => {
    const p = primitiveStructure(rockSalt);
    expect([...p.species].sort()).toEqual(['Cl', 'Na']);
    expect(Structure.volume(p)).toBeCloseTo(5.64 ** 3 / 4, 8);
    expect(pureTranslations(Structure.niggli(rockSalt)).length).toBe(3);
  });

  it('averages small displacements over each orbit', () => {
    const rand = rng(3);
    const jittered = Structure.fromCartesian(
      rockSalt.lattice,
      rockSalt.species,
      Structure.cartCoords(rockSalt).map((x): Vec3 => [x[0] + 0.04 * rand(), x[1] - 0.04 * rand(), x[2]]),
    );
    const p = primitiveStructure(jittered);
    expect(p.species.length).toBe(2);
    expect(Structure.volume(p)).toBeCloseTo(5.64 ** 3 / 4, 8);
    // The Na-Cl distance stays a/2 = 2.82 Å up to the (averaged) noise of 0.04 Å.
    const [f, g] = p.fracCoords as [Vec3, Vec3];
    const d = Math.sqrt(PeriodicMetric.create(p.lattice).shortest(g[0] - f[0], g[1] - f[1], g[2] - f[2]));
    expect(Math.abs(d - 2.82)).toBeLessThan(0.04);
  });

  it('keeps a cell without pure translations and refuses a non-positive tolerance', () => {
    const p = primitiveStructure(
      Structure.create(
        Lattice.cubic(4),
        ['Cs', 'Cl'],
        [
          [0, 0, 0],
          [0.5, 0.5, 0.5],
        ],
      ),
    );
    expect(p.species.length).toBe(2);
    expect(() => primitiveStructure(fcc, { tolerance: 0 })).toThrow(/tolerance must be a positive/);
  });

  it('reduces a 1000-site supercell in about a second (sites are looked up in bins, not scanned)', () => {
    const big = supercell(rockSalt, [5, 5, 5]);
    const started = performance.now();
    const p = primitiveStructure(big);
    expect([...p.species].sort()).toEqual(['Cl', 'Na']);
    expect(Structure.volume(p)).toBeCloseTo(5.64 ** 3 / 4, 6);
    expect(performance.now() - started).toBeLessThan(10_000); // was over a minute before the bins
  });

  it('recovers the primitive cell of MP-20 structures from their supercells', () => {
    const entries = sample(readMp20('pilot_first1000/test'), 40, rng(11));
    for (const { materialId, structure } of entries) {
      const p = primitiveStructure(structure);
      expect(p.species.length, materialId).toBeLessThanOrEqual(structure.species.length);
      const vPerAtom = Structure.volumePerAtom(p);
      for (const scaling of [[2, 1, 1] as const, NON_DIAGONAL]) {
        const q = primitiveStructure(supercell(structure, scaling));
        expect(q.species.length, materialId).toBe(p.species.length);
        expect(Structure.reducedFormula(q)).toBe(Structure.reducedFormula(structure));
        expect(Structure.volumePerAtom(q) / vPerAtom, materialId).toBeCloseTo(1, 8);
      }
    }
  });
});
