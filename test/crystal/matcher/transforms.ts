/**
 * Copies of a structure that describe the same crystal (rotated, translated, re-ordered, strained,
 * supercells) and ones that do not (species swapped), with a seeded random generator.
 */
import { matmul3, type Mat3, type Vec3 } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';

export { rng } from '../../helpers/rng.js';

/** A uniformly random rotation (det +1) from a random unit quaternion. */
export function randomRotation(rand: () => number): Mat3 {
  const [u1, u2, u3] = [rand(), rand(), rand()];
  const [w, x, y, z] = [
    Math.sqrt(1 - u1) * Math.sin(2 * Math.PI * u2),
    Math.sqrt(1 - u1) * Math.cos(2 * Math.PI * u2),
    Math.sqrt(u1) * Math.sin(2 * Math.PI * u3),
    Math.sqrt(u1) * Math.cos(2 * Math.PI * u3),
  ];
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
    [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
    [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
  ];
}

/** Cartesian rotation: every lattice row v becomes R·v; fractional coordinates are unchanged. */
export function rotated(s: Structure, r: Mat3): Structure {
  const rt = [0, 1, 2].map((i) => [0, 1, 2].map((j) => r[j]![i]!)) as unknown as Mat3;
  return Structure.create(matmul3(s.lattice, rt), s.species, s.fracCoords);
}

/** Every site moved by the fractional vector t. */
export function translated(s: Structure, t: Vec3): Structure {
  return Structure.create(
    s.lattice,
    s.species,
    s.fracCoords.map((f): Vec3 => [f[0] + t[0], f[1] + t[1], f[2] + t[2]]),
  );
}

/** Sites in a random order. */
export function permuted(s: Structure, rand: () => number): Structure {
  const order = s.species.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return Structure.create(
    s.lattice,
    order.map((i) => s.species[i]!),
    order.map((i) => s.fracCoords[i]!),
  );
}

/** Cartesian strain along one axis: x_axis -> (1 + eps)·x_axis for the lattice and all sites. */
export function strained(s: Structure, axis: 0 | 1 | 2, eps: number): Structure {
  const lattice = s.lattice.map((row) =>
    row.map((x, k) => (k === axis ? x * (1 + eps) : x)),
  ) as unknown as Mat3;
  return Structure.create(lattice, s.species, s.fracCoords);
}

/** Species a and b exchanged on every site. */
export function swapped(s: Structure, a: string, b: string): Structure {
  return Structure.create(
    s.lattice,
    s.species.map((el) => (el === a ? b : el === b ? a : el)),
    s.fracCoords,
  );
}

/** Fisher-Yates sample of k items, deterministic for a seed. */
export function sample<T>(items: readonly T[], k: number, rand: () => number): T[] {
  const copy = [...items];
  for (let i = 0; i < Math.min(k, copy.length); i++) {
    const j = i + Math.floor(rand() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, k);
}
