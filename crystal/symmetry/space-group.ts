/**
 * Space groups and symmetrization with moyo (spglib's successor, through its WebAssembly build).
 *
 * Both functions are synchronous: moyo's WebAssembly is instantiated on the first call (about
 * 15 ms) and reused. Tolerances are in Å (`symprecA`, D7); the default 0.1 Å is the one Materials
 * Project (and so MP-20's `spacegroup.number`) uses.
 *
 * ```ts
 * const si = Structure.create(Lattice.fcc(5.431), ['Si', 'Si'], [[0, 0, 0], [0.25, 0.25, 0.25]]);
 * spaceGroupOf(si); // { number: 227, symbol: 'Fd-3m', hallNumber: 525, crystalSystem: 'cubic', symprecA: 0.1 }
 * const ideal = symmetrize(rattled); // primitive standardized cell, exact Fd-3m
 * spaceGroupOf(ideal, { symprecA: 1e-5 }).number; // 227
 * ```
 */
import { Element } from '../elements.js';
import { det3, dot, inverse3, Lattice, matmul3, type Mat3, type Vec3 } from '../lattice.js';
import { Structure } from '../structure.js';
import { SymmetryError } from './errors.js';
import { moyoDataset, operationsOf, spaceGroupType, type MoyoSetting } from './moyo.js';

/** The seven crystal systems, lower case as pymatgen writes them. */
export type CrystalSystem =
  'triclinic' | 'monoclinic' | 'orthorhombic' | 'tetragonal' | 'trigonal' | 'hexagonal' | 'cubic';

/** Options of {@link spaceGroupOf}. */
export interface SpaceGroupOptions {
  /** Distance tolerance, Å (> 0). Default 0.1, Materials Project's. */
  readonly symprecA?: number;
  /**
   * Setting of the Hall number and standardized cells: 'spglib' (default; spglib's and
   * pymatgen's, origin choice 1 where there are two) or 'standard' (ITA, origin choice 2). The
   * space-group number and symbol do not depend on it.
   */
  readonly setting?: MoyoSetting;
}

/** Options of {@link symmetrize}. */
export interface SymmetrizeOptions extends SpaceGroupOptions {
  /**
   * Which standardized cell to return: 'primitive' (default: the fewest atoms, which is what a
   * DFT calculation wants) or 'conventional' (the ITA cell: 2×, 3× or 4× larger for centred lattices).
   */
  readonly cell?: 'primitive' | 'conventional';
}

/** The space group of a structure. */
export interface SpaceGroup {
  /** ITA number, 1..230. */
  readonly number: number;
  /** Short Hermann–Mauguin symbol without spaces, as pymatgen writes it: 'Fm-3m', 'P6_3/mmc', 'P2_1/c'. */
  readonly symbol: string;
  /** Hall number 1..530: the setting moyo identified (depends on `setting`). */
  readonly hallNumber: number;
  readonly crystalSystem: CrystalSystem;
  /**
   * The distance tolerance moyo used, Å: the requested one, unless moyo's search failed at it and
   * it succeeded after adjusting the tolerance (it retries up to 64 times).
   */
  readonly symprecA: number;
}

const DEFAULT_SYMPREC_A = 0.1;

function resolveOptions(options: SpaceGroupOptions): { symprec: number; setting: MoyoSetting } {
  const symprec = options.symprecA ?? DEFAULT_SYMPREC_A;
  if (!(symprec > 0) || !Number.isFinite(symprec))
    throw new RangeError(`symprecA must be a positive number of Å, got ${symprec}`);
  if ('angleTolDeg' in options && (options as { angleTolDeg?: unknown }).angleTolDeg !== undefined)
    throw new RangeError(
      'angleTolDeg is not supported: @spglib/moyo-wasm exposes no angle tolerance, moyo uses its ' +
        'default criterion (sin²Δθ·|u||v| < symprec²)',
    );
  const setting = options.setting ?? 'spglib';
  if (setting !== 'spglib' && setting !== 'standard')
    throw new RangeError(`setting must be 'spglib' or 'standard', got ${JSON.stringify(setting)}`);
  return { symprec, setting };
}

/**
 * The space group of `s` at distance tolerance `symprecA` (Å, default 0.1).
 *
 * Throws {@link SymmetryError} naming the problem for a structure moyo cannot analyse
 * (overlapping atoms, non-finite numbers, unknown elements, a flat cell), and RangeError for bad
 * options.
 */
export function spaceGroupOf(s: Structure, options: SpaceGroupOptions = {}): SpaceGroup {
  const { symprec, setting } = resolveOptions(options);
  const d = moyoDataset(s, symprec, setting);
  const type = spaceGroupType(d.number);
  return {
    number: d.number,
    symbol: type.hm_short.replace(/\s+/g, ''),
    hallNumber: d.hall_number,
    crystalSystem: type.crystal_system.toLowerCase() as CrystalSystem,
    symprecA: d.symprec,
  };
}

/**
 * `s` refined to the space group found at `symprecA`: moyo's standardized cell, primitive by
 * default, with an idealised lattice (metric of the Bravais lattice exactly, e.g. a = b = c and
 * 60° for primitive fcc) and positions moved onto their exact Wyckoff positions. The cell is in
 * the standard orientation (conventional a along x, b in the xy plane, as spglib's
 * `standardize_cell`), not the input's Cartesian frame, and atoms are ordered as moyo orders them. `spaceGroupOf(symmetrize(s), { symprecA: 1e-5 })`
 * gives the same group as `spaceGroupOf(s)` at the original tolerance.
 *
 * Primitive is the default because DFT cost grows as N³ with the atoms per cell and the
 * conventional cells of centred lattices hold 2 (A/B/C/I), 3 (R) or 4 (F) times as many.
 *
 * Throws as {@link spaceGroupOf}.
 */
export function symmetrize(s: Structure, options: SymmetrizeOptions = {}): Structure {
  const { symprec, setting } = resolveOptions(options);
  const which = options.cell ?? 'primitive';
  if (which !== 'primitive' && which !== 'conventional')
    throw new RangeError(`cell must be 'primitive' or 'conventional', got ${JSON.stringify(which)}`);
  const d = moyoDataset(s, symprec, setting);
  // moyo rotates its standardized cells into the standard orientation but keeps their metric
  // (strain included), so the lattice is idealised here; the positions are already symmetrized.
  const conventional = idealizedLattice(toMat3(d.std_cell.lattice.basis), d.hall_number, d.number);
  const cell = which === 'primitive' ? d.prim_std_cell : d.std_cell;
  let lattice = conventional;
  if (which === 'primitive') {
    // prim = M·conv with M the centring matrix (entries in sixths); M from moyo's own two cells.
    const raw = matmul3(toMat3(cell.lattice.basis), inverse3(toMat3(d.std_cell.lattice.basis)));
    const m = raw.map((r) => r.map((x) => Math.round(x * 6) / 6)) as unknown as Mat3;
    const off = Math.max(...raw.flatMap((r, i) => r.map((x, j) => Math.abs(x - m[i]![j]!))));
    if (off > 1e-3)
      throw new SymmetryError(
        'moyo_failed',
        `moyo's primitive and conventional standardized cells are not related by a centring matrix ` +
          `(deviation ${off.toPrecision(3)}): ${JSON.stringify(raw)}`,
      );
    lattice = matmul3(m, conventional);
  }
  return Structure.create(
    lattice,
    cell.numbers.map((z) => Element.byZ(z).symbol),
    cell.positions.map((p): Vec3 => [p[0], p[1], p[2]]),
  );
}

/** moyo's flattened `lattice.basis` (rows a, b, c) as a Mat3. */
function toMat3(b: readonly number[]): Mat3 {
  return [
    [b[0]!, b[1]!, b[2]!],
    [b[3]!, b[4]!, b[5]!],
    [b[6]!, b[7]!, b[8]!],
  ];
}

/**
 * The lattice with the exact metric of its space group: the metric G = L·Lᵀ of the standardized
 * (conventional) cell averaged over the group's rotations W (G' = Σ Wᵀ·G·W / n, as moyo and
 * spglib refine it), rebuilt with a along x and b in the xy plane, with the handedness of `std`.
 */
function idealizedLattice(std: Mat3, hallNumber: number, number: number): Mat3 {
  const ops = operationsOf(hallNumber, number);
  const g = [0, 1, 2].map((i) => [0, 1, 2].map((j) => dot(std[i]!, std[j]!)));
  const sum = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const op of ops) {
    // moyo's rotation arrays are column-major: W[i][j] = rotation[3j + i] (acting on column vectors).
    const w = (i: number, j: number) => op.rotation[3 * j + i]!;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let t = 0;
        for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) t += w(k, i) * g[k]![l]! * w(l, j);
        sum[i]![j]! += t / ops.length;
      }
  }
  const [a, b, c] = [0, 1, 2].map((i) => Math.sqrt(sum[i]![i]!)) as [number, number, number];
  const deg = (x: number) => (Math.acos(Math.max(-1, Math.min(1, x))) * 180) / Math.PI;
  const ideal = Lattice.fromParameters(
    a,
    b,
    c,
    deg(sum[1]![2]! / (b * c)),
    deg(sum[0]![2]! / (a * c)),
    deg(sum[0]![1]! / (a * b)),
  );
  // fromParameters is right-handed; a left-handed std cell keeps its hand (c mirrored in z,
  // which leaves every dot product, so the metric, unchanged).
  const hand = det3(std) < 0 ? -1 : 1;
  // cos 90° leaves 1e-16 Å crumbs where the standard orientation has exact zeros.
  const clean = (x: number) => (Math.abs(x) < 1e-12 * a ? 0 : x);
  return [
    [clean(ideal[0][0]), 0, 0],
    [clean(ideal[1][0]), clean(ideal[1][1]), 0],
    [clean(ideal[2][0]), clean(ideal[2][1]), hand * ideal[2][2]],
  ];
}
