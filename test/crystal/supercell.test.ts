import { describe, expect, it } from 'vitest';
import { Lattice, neighborList, Structure, supercell, type Mat3 } from '../../crystal/index.js';
import { rockSaltPrimitive, siliconConventional } from './helpers.js';

/** Sorted neighbour distances of all atoms, rounded: a fingerprint of the crystal per atom. */
function distanceSpectrum(s: Structure, cutoff: number): string {
  const nl = neighborList(s, cutoff);
  const counts = new Map<string, number>();
  for (let e = 0; e < nl.src.length; e++) {
    const key = `${s.species[nl.src[e]!]}-${s.species[nl.dst[e]!]}:${nl.distances[e]!.toFixed(6)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([k, c]) => `${k}x${c / s.species.length}`)
    .sort()
    .join(' ');
}

/** Every site of `big` lies on a site of `small` (same species) modulo the lattice of `small`. */
function onSitesOf(big: Structure, small: Structure): boolean {
  const tiled = Structure.create(
    small.lattice,
    big.species,
    Structure.cartCoords(big).map((x) => Lattice.toFractional(small.lattice, x)),
  );
  return tiled.fracCoords.every((f, i) =>
    small.fracCoords.some(
      (g, j) =>
        small.species[j] === big.species[i] &&
        f.every((x, k) => {
          const d = x - g[k]!;
          return Math.abs(d - Math.round(d)) < 1e-9;
        }),
    ),
  );
}

describe('supercell', () => {
  it('repeats along axes with [na, nb, nc]', () => {
    const cu = Structure.create(Lattice.cubic(4), ['Cu'], [[0, 0, 0]]);
    const s = supercell(cu, [2, 1, 1]);
    expect(s.lattice).toEqual([
      [8, 0, 0],
      [0, 4, 0],
      [0, 0, 4],
    ]);
    expect(s.fracCoords).toEqual([
      [0, 0, 0],
      [0.5, 0, 0],
    ]);
    const si = siliconConventional();
    const big = supercell(si, [2, 3, 1]);
    expect(big.species.length).toBe(48);
    expect(Structure.volume(big)).toBeCloseTo(6 * Structure.volume(si), 8);
    expect(Structure.reducedFormula(big)).toBe('Si');
  });

  it('builds non-diagonal supercells that keep every local environment', () => {
    const nacl = rockSaltPrimitive();
    const m: Mat3 = [
      [-1, 1, 1],
      [1, -1, 1],
      [1, 1, -1],
    ]; // fcc primitive -> conventional cube, det 4
    const cube = supercell(nacl, m);
    expect(cube.species.length).toBe(8);
    expect(Lattice.parameters(cube.lattice).map((x) => Math.round(x * 1e9) / 1e9)).toEqual([
      5.64, 5.64, 5.64, 90, 90, 90,
    ]);
    expect(distanceSpectrum(cube, 6)).toBe(distanceSpectrum(nacl, 6));
    const twisted = supercell(nacl, [
      [2, 1, 0],
      [0, 1, 0],
      [1, 0, 3],
    ]);
    expect(twisted.species.length).toBe(12);
    expect(distanceSpectrum(twisted, 6)).toBe(distanceSpectrum(nacl, 6));
    expect(onSitesOf(twisted, nacl)).toBe(true);
    expect(onSitesOf(cube, nacl)).toBe(true);
    // Distinct sites: no two atoms of the supercell coincide.
    expect(neighborList(twisted, 0.1).src.length).toBe(0);
  });

  it('accepts left-handed matrices and rejects singular or non-integer ones', () => {
    const nacl = rockSaltPrimitive();
    const swapped = supercell(nacl, [
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(swapped.species.length).toBe(2);
    expect(distanceSpectrum(swapped, 6)).toBe(distanceSpectrum(nacl, 6));
    expect(() => supercell(nacl, [2, 0, 1])).toThrow(/singular/);
    expect(() => supercell(nacl, [1.5, 1, 1])).toThrow(/integers/);
  });
});
