/**
 * High-symmetry cells in settings a DFT code would not recognise (non-primitive, rotated, sites
 * rattled by a few hundredths of an Å) and a cell without symmetry: inputs of the symmetrisation
 * before DFT (dft/symmetrize-input.ts).
 */
import { Lattice, norm, type Vec3 } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { supercell } from '../../crystal/supercell.js';
import { randomRotation, rng, rotated } from '../crystal/matcher/transforms.js';

/** Every site moved by exactly `amplitudeA` Å in a random direction. */
export function rattled(s: Structure, amplitudeA: number, rand: () => number): Structure {
  const cart = Structure.cartCoords(s).map((x): Vec3 => {
    let d: Vec3;
    do d = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
    while (norm(d) < 0.1);
    const k = amplitudeA / norm(d);
    return [x[0] + k * d[0], x[1] + k * d[1], x[2] + k * d[2]];
  });
  return Structure.fromCartesian(s.lattice, s.species, cart);
}

/** Rock-salt MgO (Fm-3m, 225), a = 4.21 Å, in its primitive cell. */
export const mgoPrimitive = Structure.create(
  Lattice.fcc(4.21),
  ['Mg', 'O'],
  [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
  ],
);

/** Rutile TiO2 (P4_2/mnm, 136), a = 4.594, c = 2.959 Å, u = 0.3053: 6 atoms. */
export const rutile = (() => {
  const u = 0.3053;
  return Structure.create(
    Lattice.fromParameters(4.594, 4.594, 2.959, 90, 90, 90),
    ['Ti', 'Ti', 'O', 'O', 'O', 'O'],
    [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [u, u, 0],
      [1 - u, 1 - u, 0],
      [0.5 + u, 0.5 - u, 0.5],
      [0.5 - u, 0.5 + u, 0.5],
    ],
  );
})();

/** MgO in the conventional 8-atom cube, rotated at random and rattled by `amplitudeA` (seeded). */
export function distortedRockSalt(amplitudeA = 0.03, seed = 16): Structure {
  const rand = rng(seed);
  const cube = supercell(mgoPrimitive, [
    [-1, 1, 1],
    [1, -1, 1],
    [1, 1, -1],
  ]);
  return rattled(rotated(cube, randomRotation(rand)), amplitudeA, rand);
}

/** Rutile doubled along a (12 atoms), rotated at random and rattled by `amplitudeA` (seeded). */
export function distortedRutile(amplitudeA = 0.02, seed = 61): Structure {
  const rand = rng(seed);
  const double = supercell(rutile, [2, 1, 1]);
  return rattled(rotated(double, randomRotation(rand)), amplitudeA, rand);
}

/** A 3-atom SiO2 cell with no symmetry but the identity (P1). */
export const p1Cell = Structure.create(
  Lattice.fromParameters(4.1, 4.7, 5.3, 81, 97, 103),
  ['Si', 'O', 'O'],
  [
    [0, 0, 0],
    [0.31, 0.17, 0.43],
    [0.62, 0.71, 0.19],
  ],
);
