/**
 * The inner loop of StructureMatcher (pymatgen's `_strict_match`, `_get_supercells`,
 * `_cmp_fstruct` and `_cart_dists`): given two preprocessed structures (reduced and scaled), find
 * the lattice basis and translation that carry one onto the other with the smallest site
 * displacements. Steps, for struct1 (which, after any supercell, holds all sites of struct2):
 *
 * 1. Pick the struct2 site of the rarest comparator class; the struct1 sites of that class give
 *    the candidate translations (one per site, not per supercell image).
 * 2. For each basis of the searched structure matching the other lattice (see
 *    {@link latticeMappings}; |det| must equal the supercell size fu), express the searched sites
 *    in that basis (adding the fu lattice points of the supercell) and place both fractional
 *    site sets on the average lattice (mean of the two lattices' lengths and angles).
 * 3. For each translation, a cheap test: every struct2 site must have a struct1 site of its class
 *    within a fractional box whose half-widths are 2·stol·(V/N)^⅓ / d_k (d_k: the average
 *    lattice's plane spacings), as pymatgen's `is_coord_subset_pbc` test.
 * 4. If it passes, pair the sites by linear assignment on squared shortest periodic distances
 *    (within each class), remove the mean displacement (a further translation), and normalise the
 *    remaining distances by (V/N)^⅓.
 * 5. The score is max distance (fit) or RMS distance (rmsDist); keep the best, and stop at the
 *    first score below stol when `breakOnMatch` (or at a score below 1e-5).
 */
import { det3, inverse3, Lattice, type Mat3, type Vec3 } from '../lattice.js';
import { perpendicularWidths } from '../neighbor-list.js';
import type { Structure } from '../structure.js';
import type { Comparator } from './comparator.js';
import { MatcherLimitError } from './errors.js';
import { latticeMappings } from './lattice-mappings.js';
import { linearSumAssignment } from './linear-assignment.js';
import { PeriodicMetric } from './periodic-metric.js';

/** Inputs of {@link strictMatch}. @internal */
export interface StrictMatchInput {
  readonly s1: Structure;
  readonly s2: Structure;
  /** Supercell size: struct1 (s1Supercell) or struct2 is repeated fu times. */
  readonly fu: number;
  readonly s1Supercell: boolean;
  readonly ltol: number;
  readonly stol: number;
  readonly angleTol: number;
  readonly comparator: Comparator;
  /** Score by RMS (true) or by maximum (false) normalised distance. */
  readonly useRms: boolean;
  readonly breakOnMatch: boolean;
  /** Most work (N² per subset test, N³ per scored placement) before a MatcherLimitError. */
  readonly maxWork: number;
}

/** Best match found by {@link strictMatch}. @internal */
export interface StrictMatch {
  /** The score: RMS or maximum normalised distance. */
  readonly value: number;
  /** Normalised distance of each struct2 site (after supercell) to its partner. */
  readonly distances: Float64Array;
  /** Integer basis change of the searched structure. */
  readonly scale: Mat3;
  /** `mapping[i]` is the struct1 site paired with struct2 site i. */
  readonly mapping: Int32Array;
}

/** Finds the best match of struct2 onto struct1, or null when none scores below stol. @internal */
export function strictMatch(input: StrictMatchInput): StrictMatch | null {
  const { s1, s2, fu, s1Supercell, stol, comparator } = input;
  const sp1 = s1Supercell ? repeatEach(s1.species, fu) : [...s1.species];
  const sp2 = s1Supercell ? [...s2.species] : repeatEach(s2.species, fu);
  if (sp1.length !== sp2.length) return null;
  const n = sp1.length;

  // Comparator classes (an equivalence), with the counts that a perfect pairing needs.
  const reps: string[] = [];
  const classOf = (el: string) => {
    let c = reps.findIndex((r) => comparator.areEqual(r, el));
    if (c < 0) c = reps.push(el) - 1;
    return c;
  };
  const c1 = Int32Array.from(sp1, classOf);
  const c2 = Int32Array.from(sp2, classOf);
  const members1: number[][] = reps.map(() => []);
  const members2: number[][] = reps.map(() => []);
  c1.forEach((c, j) => members1[c]!.push(j));
  c2.forEach((c, i) => members2[c]!.push(i));
  if (members1.some((m, c) => m.length !== members2[c]!.length)) return null;

  // Step 1: translation anchor, the struct2 site with the fewest allowed struct1 partners.
  let anchor2 = 0;
  for (let i = 1; i < n; i++) if (members1[c2[i]!]!.length < members1[c2[anchor2]!]!.length) anchor2 = i;
  let anchors1 = members1[c2[anchor2]!]!;
  if (s1Supercell) anchors1 = anchors1.filter((_, k) => k % fu === 0);

  // Each placement costs ~N² to test and ~N³ to score: a near-symmetric cell can pass the test
  // thousands of times (every symmetry operation times every translation), so the work is capped.
  let work = 0;
  const spend = (units: number) => {
    work += units;
    if (work <= input.maxWork) return;
    throw new MatcherLimitError(
      `StructureMatcher: comparing two ${n}-site cells needs more than maxSearchWork ${input.maxWork.toPrecision(2)} ` +
        `(N² per candidate placement tested, N³ per placement scored); reduce the cells, or raise maxSearchWork`,
      'maxSearchWork',
      work,
      input.maxWork,
    );
  };
  let best: StrictMatch | null = null;
  for (const frame of frames(input)) {
    const { f1, f2, avg, scale } = frame;
    const normalization = (n / Math.abs(det3(avg))) ** (1 / 3);
    const fracTol = perpendicularWidths(avg).map((d) => (2 * stol) / (normalization * d)) as [
      number,
      number,
      number,
    ];
    let metric: PeriodicMetric | null = null;
    for (const j0 of anchors1) {
      const t: Vec3 = [
        f1[3 * j0]! - f2[3 * anchor2]!,
        f1[3 * j0 + 1]! - f2[3 * anchor2 + 1]!,
        f1[3 * j0 + 2]! - f2[3 * anchor2 + 2]!,
      ];
      spend(n * n);
      if (!isSubset(f1, f2, t, members1, c2, fracTol)) continue;
      spend(n * n * n);
      metric ??= PeriodicMetric.create(avg);
      const found = cartesianDistances(f1, f2, t, metric, members1, members2, normalization);
      const d = found.distances;
      let value = 0;
      if (input.useRms) {
        for (const x of d) value += x * x;
        value = Math.sqrt(value / d.length);
      } else {
        for (const x of d) value = Math.max(value, x);
      }
      if (best === null || value < best.value) {
        best = { value, distances: d, scale, mapping: found.mapping };
        if ((input.breakOnMatch || value < 1e-5) && value < stol) return best;
      }
    }
  }
  return best !== null && best.value < stol ? best : null;
}

/** Each entry repeated k times in place (aabbcc), the order of supercell images below. */
function repeatEach<T>(xs: readonly T[], k: number): T[] {
  return xs.flatMap((x) => Array.from({ length: k }, () => x));
}

interface Frame {
  /** struct1 / struct2 fractional coordinates in the common basis, flat N×3, wrapped into [0, 1). */
  readonly f1: Float64Array;
  readonly f2: Float64Array;
  /** The average lattice both are placed on. */
  readonly avg: Mat3;
  readonly scale: Mat3;
}

/** Step 2: the candidate common frames, searching the structure that gets the supercell. */
function* frames(input: StrictMatchInput): Generator<Frame> {
  const { s1, s2, fu, s1Supercell, ltol, angleTol } = input;
  const [searched, other] = s1Supercell ? [s1, s2] : [s2, s1];
  const otherFrac = flatWrapped(other.fracCoords);
  const otherParams = Lattice.parameters(other.lattice);
  for (const { lattice, scale } of latticeMappings(searched.lattice, other.lattice, ltol, angleTol)) {
    if (Math.abs(Math.abs(det3(scale)) - fu) > 0.5) continue;
    const inv = inverse3(scale);
    const points = fu === 1 ? [[0, 0, 0] as Vec3] : latticePointsInSupercell(scale, inv);
    const coords: Vec3[] = [];
    for (const f of searched.fracCoords) {
      const g: Vec3 = [
        f[0] * inv[0][0] + f[1] * inv[1][0] + f[2] * inv[2][0],
        f[0] * inv[0][1] + f[1] * inv[1][1] + f[2] * inv[2][1],
        f[0] * inv[0][2] + f[1] * inv[1][2] + f[2] * inv[2][2],
      ];
      for (const p of points) coords.push([g[0] + p[0], g[1] + p[1], g[2] + p[2]]);
    }
    const p = Lattice.parameters(lattice).map((x, k) => (x + otherParams[k]!) / 2) as Parameters<
      typeof Lattice.fromParameters
    >;
    const avg = Lattice.fromParameters(...p);
    const searchedFrac = flatWrapped(coords);
    yield s1Supercell
      ? { f1: searchedFrac, f2: otherFrac, avg, scale }
      : { f1: otherFrac, f2: searchedFrac, avg, scale };
  }
}

function flatWrapped(coords: readonly Vec3[]): Float64Array {
  const out = new Float64Array(3 * coords.length);
  coords.forEach((f, i) => {
    for (let k = 0; k < 3; k++) out[3 * i + k] = f[k]! - Math.floor(f[k]!);
  });
  return out;
}

/** Points of the old lattice inside the supercell S, in supercell fractional coordinates. */
function latticePointsInSupercell(scale: Mat3, inv: Mat3): Vec3[] {
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  for (let mask = 0; mask < 8; mask++)
    for (let k = 0; k < 3; k++) {
      let v = 0;
      for (let r = 0; r < 3; r++) if (mask & (1 << r)) v += scale[r]![k]!;
      lo[k] = Math.min(lo[k]!, v);
      hi[k] = Math.max(hi[k]!, v);
    }
  const out: Vec3[] = [];
  for (let i = lo[0]!; i <= hi[0]!; i++)
    for (let j = lo[1]!; j <= hi[1]!; j++)
      for (let k = lo[2]!; k <= hi[2]!; k++) {
        const g = [0, 1, 2].map((c) => i * inv[0][c]! + j * inv[1][c]! + k * inv[2][c]!);
        if (g.every((x) => x >= -1e-8 && x < 1 - 1e-8)) out.push(g as unknown as Vec3);
      }
  return out;
}

/** Step 3: does every struct2 site (translated by t) lie in the tolerance box of a struct1 site of its class? */
function isSubset(
  f1: Float64Array,
  f2: Float64Array,
  t: Vec3,
  members1: readonly number[][],
  c2: Int32Array,
  tol: readonly [number, number, number],
): boolean {
  for (let i = 0; i < c2.length; i++) {
    const x = f2[3 * i]! + t[0];
    const y = f2[3 * i + 1]! + t[1];
    const z = f2[3 * i + 2]! + t[2];
    let hit = false;
    for (const j of members1[c2[i]!]!) {
      let d = f1[3 * j]! - x;
      if (Math.abs(d - Math.round(d)) >= tol[0]) continue;
      d = f1[3 * j + 1]! - y;
      if (Math.abs(d - Math.round(d)) >= tol[1]) continue;
      d = f1[3 * j + 2]! - z;
      if (Math.abs(d - Math.round(d)) >= tol[2]) continue;
      hit = true;
      break;
    }
    if (!hit) return false;
  }
  return true;
}

/** Step 4: optimal pairing, mean displacement removed, distances normalised. */
function cartesianDistances(
  f1: Float64Array,
  f2: Float64Array,
  t: Vec3,
  metric: PeriodicMetric,
  members1: readonly number[][],
  members2: readonly number[][],
  normalization: number,
): { distances: Float64Array; mapping: Int32Array } {
  const n = f2.length / 3;
  const mapping = new Int32Array(n);
  const vecs = new Float64Array(3 * n);
  members2.forEach((rows, c) => {
    const cols = members1[c]!;
    const k = cols.length;
    const all = new Float64Array(3 * rows.length * k); // shortest vectors, row-major
    const cost: Float64Array[] = [];
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      const row = new Float64Array(k);
      const x = f2[3 * i]! + t[0];
      const y = f2[3 * i + 1]! + t[1];
      const z = f2[3 * i + 2]! + t[2];
      for (let q = 0; q < k; q++) {
        const j = cols[q]!;
        row[q] = metric.shortest(
          f1[3 * j]! - x,
          f1[3 * j + 1]! - y,
          f1[3 * j + 2]! - z,
          all,
          3 * (r * k + q),
        );
      }
      cost.push(row);
    }
    const { rowToCol } = linearSumAssignment(cost);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      const q = rowToCol[r]!;
      mapping[i] = cols[q]!;
      for (let d = 0; d < 3; d++) vecs[3 * i + d] = all[3 * (r * k + q) + d]!;
    }
  });
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) mean[k]! += vecs[3 * i + k]! / n;
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dx = vecs[3 * i]! - mean[0]!;
    const dy = vecs[3 * i + 1]! - mean[1]!;
    const dz = vecs[3 * i + 2]! - mean[2]!;
    distances[i] = Math.sqrt(dx * dx + dy * dy + dz * dz) * normalization;
  }
  return { distances, mapping };
}
