/**
 * Lattice math. Base units: Å and degrees. A lattice is a 3x3 matrix whose rows are the lattice
 * vectors a, b, c (pymatgen's and ASE's convention).
 */

export type Vec3 = readonly [number, number, number];
export type Mat3 = readonly [Vec3, Vec3, Vec3];

export const Lattice = Object.freeze({
  /** Cubic lattice with edge `a` (Å). */
  cubic(a: number): Mat3 {
    return [
      [a, 0, 0],
      [0, a, 0],
      [0, 0, a],
    ];
  },

  /** Primitive cell of a face-centred cubic lattice whose conventional edge is `a` (Å). */
  fcc(a: number): Mat3 {
    return [
      [0, a / 2, a / 2],
      [a / 2, 0, a / 2],
      [a / 2, a / 2, 0],
    ];
  },

  /** Primitive cell of a body-centred cubic lattice whose conventional edge is `a` (Å). */
  bcc(a: number): Mat3 {
    return [
      [-a / 2, a / 2, a / 2],
      [a / 2, -a / 2, a / 2],
      [a / 2, a / 2, -a / 2],
    ];
  },

  /** Hexagonal lattice with edge `a` and height `c` (Å), γ = 120°. */
  hexagonal(a: number, c: number): Mat3 {
    return [
      [a, 0, 0],
      [-a / 2, (a * Math.sqrt(3)) / 2, 0],
      [0, 0, c],
    ];
  },

  /** Lattice from lengths (Å) and angles (degrees), a along x, b in the xy plane. */
  fromParameters(a: number, b: number, c: number, alpha: number, beta: number, gamma: number): Mat3 {
    const rad = Math.PI / 180;
    const [ca, cb, cg] = [Math.cos(alpha * rad), Math.cos(beta * rad), Math.cos(gamma * rad)];
    const sg = Math.sin(gamma * rad);
    const cx = c * cb;
    const cy = (c * (ca - cb * cg)) / sg;
    const cz = Math.sqrt(Math.max(c * c - cx * cx - cy * cy, 0));
    return [
      [a, 0, 0],
      [b * cg, b * sg, 0],
      [cx, cy, cz],
    ];
  },

  /** Lengths (Å) and angles (degrees): [a, b, c, alpha, beta, gamma]. */
  parameters(m: Mat3): [number, number, number, number, number, number] {
    const [a, b, c] = m.map(norm) as [number, number, number];
    const angle = (u: Vec3, v: Vec3) =>
      (Math.acos(clamp(dot(u, v) / (norm(u) * norm(v)), -1, 1)) * 180) / Math.PI;
    return [a, b, c, angle(m[1], m[2]), angle(m[0], m[2]), angle(m[0], m[1])];
  },

  /** Signed volume (Å³); positive for a right-handed cell. */
  volume(m: Mat3): number {
    return det3(m);
  },

  /** Fractional -> Cartesian (Å): x = f · M. */
  toCartesian(m: Mat3, frac: Vec3): Vec3 {
    return [
      frac[0] * m[0][0] + frac[1] * m[1][0] + frac[2] * m[2][0],
      frac[0] * m[0][1] + frac[1] * m[1][1] + frac[2] * m[2][1],
      frac[0] * m[0][2] + frac[1] * m[1][2] + frac[2] * m[2][2],
    ];
  },

  /** Cartesian (Å) -> fractional: f = x · M⁻¹. */
  toFractional(m: Mat3, cart: Vec3): Vec3 {
    const inv = inverse3(m);
    return [
      cart[0] * inv[0][0] + cart[1] * inv[1][0] + cart[2] * inv[2][0],
      cart[0] * inv[0][1] + cart[1] * inv[1][1] + cart[2] * inv[2][1],
      cart[0] * inv[0][2] + cart[1] * inv[1][2] + cart[2] * inv[2][2],
    ];
  },
});

export function dot(u: Vec3, v: Vec3): number {
  return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
}

export function cross(u: Vec3, v: Vec3): Vec3 {
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}

export function norm(u: Vec3): number {
  return Math.sqrt(dot(u, u));
}

export function det3(m: Mat3): number {
  return dot(m[0], cross(m[1], m[2]));
}

export function inverse3(m: Mat3): Mat3 {
  const d = det3(m);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12) throw new Error('lattice matrix is singular (volume ~ 0)');
  const c0 = cross(m[1], m[2]);
  const c1 = cross(m[2], m[0]);
  const c2 = cross(m[0], m[1]);
  // Columns of the inverse are the cross products / det.
  return [
    [c0[0] / d, c1[0] / d, c2[0] / d],
    [c0[1] / d, c1[1] / d, c2[1] / d],
    [c0[2] / d, c1[2] / d, c2[2] / d],
  ];
}

export function matmul3(a: Mat3, b: Mat3): Mat3 {
  const row = (r: Vec3): Vec3 => [
    r[0] * b[0][0] + r[1] * b[1][0] + r[2] * b[2][0],
    r[0] * b[0][1] + r[1] * b[1][1] + r[2] * b[2][1],
    r[0] * b[0][2] + r[1] * b[1][2] + r[2] * b[2][2],
  ];
  return [row(a[0]), row(a[1]), row(a[2])];
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
