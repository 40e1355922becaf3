/** Test crystals and the transformations the invariance tests apply to them. */
import { Lattice, type Mat3, type Vec3 } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';

import { rng } from '../../helpers/rng.js';

export { rng };

const FCC: Vec3[] = [
  [0, 0, 0],
  [0.5, 0.5, 0],
  [0.5, 0, 0.5],
  [0, 0.5, 0.5],
];

/** Conventional fcc cell, 4 atoms. */
export function fcc(element: string, a: number): Structure {
  return Structure.create(Lattice.cubic(a), Array(4).fill(element), FCC);
}

/** Conventional rock salt, 8 atoms (A on fcc sites, B shifted by a/2). */
export function rockSalt(a: string, b: string, lat: number): Structure {
  const coords: Vec3[] = [...FCC, ...FCC.map((f): Vec3 => [f[0] + 0.5, f[1], f[2]])];
  return Structure.create(Lattice.cubic(lat), [...Array(4).fill(a), ...Array(4).fill(b)], coords);
}

/** A low-symmetry ternary: triclinic cell, 6 atoms of three elements. */
export function triclinicTernary(): Structure {
  return Structure.create(
    Lattice.fromParameters(4.9, 5.3, 5.8, 82, 97, 104),
    ['Li', 'Fe', 'O', 'O', 'Li', 'Fe'],
    [
      [0.02, 0.05, 0.01],
      [0.48, 0.52, 0.07],
      [0.25, 0.31, 0.49],
      [0.74, 0.22, 0.61],
      [0.11, 0.69, 0.58],
      [0.61, 0.88, 0.33],
    ],
  );
}

/** Displaces every site by up to `amplitude` Å per component. */
export function rattle(s: Structure, amplitude: number, seed = 1): Structure {
  const r = rng(seed);
  const cart = Structure.cartCoords(s).map((x): Vec3 => [
    x[0] + amplitude * (2 * r() - 1),
    x[1] + amplitude * (2 * r() - 1),
    x[2] + amplitude * (2 * r() - 1),
  ]);
  return Structure.fromCartesian(s.lattice, s.species, cart);
}

/** Applies the deformation x -> (I + eps) x to cell and sites (fractional coordinates kept). */
export function strain(s: Structure, eps: Mat3): Structure {
  const lattice = s.lattice.map((row) =>
    [0, 1, 2].map((c) => row[c]! + eps[c]![0]! * row[0] + eps[c]![1]! * row[1] + eps[c]![2]! * row[2]),
  ) as unknown as Mat3;
  return Structure.create(lattice, s.species, s.fracCoords);
}

/** Rotation matrix from a unit axis and an angle (radians). */
export function rotation(axis: Vec3, angle: number): Mat3 {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n) as unknown as Vec3;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return [
    [t * x * x + c, t * x * y - s * z, t * x * z + s * y],
    [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
    [t * x * z - s * y, t * y * z + s * x, t * z * z + c],
  ];
}

/** R · v for a column vector v. */
export function rotate(r: Mat3, v: Vec3): Vec3 {
  return [0, 1, 2].map((i) => r[i]![0] * v[0] + r[i]![1] * v[1] + r[i]![2] * v[2]) as unknown as Vec3;
}

/** The same crystal rotated rigidly by R (lattice vectors and sites; fractional coordinates kept). */
export function rotateStructure(s: Structure, r: Mat3): Structure {
  return Structure.create(s.lattice.map((row) => rotate(r, row)) as unknown as Mat3, s.species, s.fracCoords);
}

/** Largest |a - b| over nested number arrays of the same shape. */
export function maxAbsDiff(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return Number.POSITIVE_INFINITY;
    return Math.max(0, ...a.map((x, i) => maxAbsDiff(x, b[i])));
  }
  return Number.POSITIVE_INFINITY;
}

/** Largest |x| over a nested number array. */
export function maxAbs(a: unknown): number {
  if (typeof a === 'number') return Math.abs(a);
  if (Array.isArray(a)) return Math.max(0, ...a.map(maxAbs));
  return 0;
}
