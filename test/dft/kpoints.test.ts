import { describe, expect, it } from 'vitest';
import { dot, inverse3, Lattice, norm, type Mat3 } from '../../crystal/lattice.js';
import { monkhorstPackGrid, reciprocalLattice } from '../../dft/qe/kpoints.js';
import { fcc } from './helpers.js';

/** ASE's kptdensity2monkhorstpack (even=False), written out: 2π·|row i of inv(cell)ᵀ|·density. */
function aseGrid(cell: Mat3, density: number): number[] {
  const inv = inverse3(cell); // columns of inv(cell) are ASE's recipcell rows
  return [0, 1, 2].map((i) =>
    Math.max(1, Math.ceil(2 * Math.PI * norm([inv[0][i]!, inv[1][i]!, inv[2][i]!]) * density)),
  );
}

describe('Monkhorst-Pack grids from a k-point density', () => {
  it('builds reciprocal vectors with 2π: b_i · a_j = 2π δ_ij', () => {
    const cell = Lattice.fromParameters(3.1, 4.2, 5.3, 80, 95, 110);
    const b = reciprocalLattice(cell);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) expect(dot(b[i]!, cell[j]!)).toBeCloseTo(i === j ? 2 * Math.PI : 0, 10);
    }
  });

  it('gives 4x4x4 for Si (a = 5.43 Å) at 1.5 Å, the reference grid', () => {
    expect(monkhorstPackGrid(fcc(5.43), 1.5)).toEqual([4, 4, 4]);
  });

  it.each([
    ['Si fcc', fcc(5.43), 3.5],
    ['cubic 4 Å', Lattice.cubic(4), 3.5],
    ['orthorhombic slab', Lattice.fromParameters(3, 4, 10, 90, 90, 90), 2],
    ['triclinic', Lattice.fromParameters(3.1, 4.2, 5.3, 80, 95, 110), 4.5],
  ])('matches ASE kptdensity for %s', (_, cell, density) => {
    expect(monkhorstPackGrid(cell, density)).toEqual(aseGrid(cell, density));
  });

  it('does not add a k-point for a product that is an integer up to round-off', () => {
    expect(monkhorstPackGrid(Lattice.cubic(2 * Math.PI), 4)).toEqual([4, 4, 4]);
  });

  it('rejects a non-positive density', () => {
    expect(() => monkhorstPackGrid(Lattice.cubic(4), 0)).toThrow(/density/);
  });
});
