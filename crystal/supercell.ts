/**
 * Supercells: the lattice S·L for an integer matrix S (rows are vectors, so the new vectors are
 * integer combinations of the old ones), filled with every image of every site.
 */
import { det3, inverse3, type Mat3, type Vec3 } from './lattice.js';
import { Structure } from './structure.js';

/** An integer 3×3 scaling matrix (rows: new vectors in units of the old) or [na, nb, nc]. */
export type SupercellScaling = Mat3 | readonly [number, number, number];

/**
 * Builds the supercell of `s` with lattice S·L. Sites are ordered by original site, then by
 * lattice translation (pymatgen's `make_supercell` order). The result has |det S| × N sites.
 *
 * ```ts
 * supercell(Structure.create(Lattice.cubic(4), ['Cu'], [[0, 0, 0]]), [2, 1, 1]);
 * // lattice [[8,0,0],[0,4,0],[0,0,4]], Cu at [0,0,0] and [0.5,0,0]
 * ```
 *
 * Throws a RangeError when S is not integer or is singular.
 */
export function supercell(s: Structure, scaling: SupercellScaling): Structure {
  const m = toMatrix(scaling);
  const det = Math.round(det3(m));
  if (det === 0) throw new RangeError('supercell matrix is singular (det 0)');
  const lattice = [0, 1, 2].map((r) =>
    [0, 1, 2].map(
      (c) => m[r]![0] * s.lattice[0][c]! + m[r]![1] * s.lattice[1][c]! + m[r]![2] * s.lattice[2][c]!,
    ),
  ) as unknown as Mat3;
  const inv = inverse3(m);
  const toNew = (f: Vec3): Vec3 => [
    f[0] * inv[0][0] + f[1] * inv[1][0] + f[2] * inv[2][0],
    f[0] * inv[0][1] + f[1] * inv[1][1] + f[2] * inv[2][1],
    f[0] * inv[0][2] + f[1] * inv[1][2] + f[2] * inv[2][2],
  ];
  // Old-cell translations t with t·S⁻¹ in [0,1)³ lie inside the box spanned by the corners of S.
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  for (let mask = 0; mask < 8; mask++) {
    for (let k = 0; k < 3; k++) {
      let v = 0;
      for (let r = 0; r < 3; r++) if (mask & (1 << r)) v += m[r]![k]!;
      lo[k] = Math.min(lo[k]!, v);
      hi[k] = Math.max(hi[k]!, v);
    }
  }
  const tol = 1e-8;
  const translations: Vec3[] = [];
  for (let i = lo[0]!; i <= hi[0]!; i++)
    for (let j = lo[1]!; j <= hi[1]!; j++)
      for (let k = lo[2]!; k <= hi[2]!; k++) {
        const g = toNew([i, j, k]);
        if (g.every((x) => x >= -tol && x < 1 - tol)) translations.push(g);
      }
  if (translations.length !== Math.abs(det)) {
    throw new Error(`supercell: found ${translations.length} lattice points for |det S| = ${Math.abs(det)}`);
  }
  const species: string[] = [];
  const fracCoords: Vec3[] = [];
  s.fracCoords.forEach((f, site) => {
    const base = toNew(f);
    for (const t of translations) {
      species.push(s.species[site]!);
      fracCoords.push([base[0] + t[0], base[1] + t[1], base[2] + t[2]]);
    }
  });
  return Structure.create(lattice, species, fracCoords);
}

function toMatrix(scaling: SupercellScaling): Mat3 {
  const m: number[][] =
    typeof scaling[0] === 'number'
      ? (scaling as readonly number[]).map((x, i) => [0, 1, 2].map((j) => (i === j ? x : 0)))
      : (scaling as Mat3).map((r) => [...r]);
  if (m.length !== 3 || m.some((r) => r.length !== 3 || r.some((x) => !Number.isInteger(x)))) {
    throw new RangeError(
      `supercell scaling must be integers [na, nb, nc] or a 3×3 integer matrix, got ${JSON.stringify(scaling)}`,
    );
  }
  return m as unknown as Mat3;
}
