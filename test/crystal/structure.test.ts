import { describe, expect, it } from 'vitest';
import { det3, Lattice, matmul3, niggliReduce, Structure, type Mat3 } from '../../crystal/index.js';
import { rockSaltPrimitive, sameCrystalSites, siliconConventional } from './helpers.js';

describe('Lattice', () => {
  it('round-trips parameters and coordinates', () => {
    const m = Lattice.fromParameters(3.1, 4.2, 5.3, 81, 97, 112);
    const p = Lattice.parameters(m);
    [3.1, 4.2, 5.3, 81, 97, 112].forEach((x, i) => expect(p[i]).toBeCloseTo(x, 10));
    const f = [0.1, 0.7, -0.3] as const;
    Lattice.toFractional(m, Lattice.toCartesian(m, f)).forEach((x, i) => expect(x).toBeCloseTo(f[i]!, 12));
  });
});

describe('Structure helpers', () => {
  it('gives reduced formula, density (g/cm³) and volume per atom (Å³)', () => {
    const si = siliconConventional();
    expect(Structure.reducedFormula(si)).toBe('Si');
    expect(Structure.density(si)).toBeCloseTo(2.329, 3); // diamond Si
    expect(Structure.volumePerAtom(si)).toBeCloseTo(5.431 ** 3 / 8, 10);
    const nacl = rockSaltPrimitive();
    expect(Structure.reducedFormula(nacl)).toBe('NaCl');
    expect(Structure.density(nacl)).toBeCloseTo((4 * (22.98976928 + 35.45) * 1.6605390666) / 5.64 ** 3, 10);
  });

  it('re-expresses a structure in its Niggli cell with the same sites', () => {
    const skew: Mat3 = [
      [1, 3, 0],
      [0, 1, 0],
      [2, -1, 1],
    ];
    const nacl = rockSaltPrimitive();
    // Same lattice points in a sheared basis; sites placed from their Cartesian positions.
    const s = Structure.fromCartesian(matmul3(skew, nacl.lattice), nacl.species, Structure.cartCoords(nacl));
    const r = Structure.niggli(s);
    expect(Math.abs(det3(r.lattice))).toBeCloseTo(Math.abs(det3(s.lattice)), 9);
    expect(Lattice.parameters(r.lattice).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([
      3.988082, 3.988082, 3.988082, 60, 60, 60,
    ]);
    expect(r.species).toEqual(s.species);
    expect(sameCrystalSites(s, r, 1e-8)).toBe(true);
    expect(r.fracCoords.flat().every((x) => x >= 0 && x < 1)).toBe(true);
    expect(niggliReduce(r.lattice).lattice).toEqual(r.lattice);
  });
});
