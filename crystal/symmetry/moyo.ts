/**
 * The one place that talks to moyo (https://github.com/spglib/moyo, spglib's successor) through
 * its WebAssembly build, `@spglib/moyo-wasm`: loading the module once, converting a
 * {@link Structure} to moyo's cell, checking the input so that failures name the problem, and
 * wrapping moyo's errors.
 *
 * moyo's cell (`MoyoCell`, JSON): `lattice.basis` is the 3×3 lattice flattened row by row with
 * rows = the vectors a, b, c in Å (our `Mat3` flattened as is; moyo stores the vectors as matrix
 * columns internally and serialises them column-major, which is the same nine numbers);
 * `positions` are fractional; `numbers` are atomic numbers.
 *
 * Loading is synchronous: the first call reads `moyo_wasm_bg.wasm` (0.7 MB) next to the package
 * and instantiates it with `initSync` (about 15 ms); later calls reuse the instance.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  analyze_cell,
  initSync,
  operations_from_number,
  space_group_type,
  type MoyoDataset,
  type MoyoOperation,
  type MoyoSpaceGroupType,
} from '@spglib/moyo-wasm';
import { Element } from '../elements.js';
import { det3, type Mat3 } from '../lattice.js';
import { neighborList, perpendicularWidths } from '../neighbor-list.js';
import type { Structure } from '../structure.js';
import { SymmetryError } from './errors.js';

/**
 * Which conventional setting moyo standardises to (it fixes the Hall number, the origin and the
 * standardized cells). 'spglib': spglib's default setting of each space group, as pymatgen's
 * `SpacegroupAnalyzer` and Materials Project report (origin choice 1 for the 24 groups with two
 * origins, e.g. Hall 525 for Fd-3m); 'standard': the ITA standard setting (origin choice 2,
 * inversion centre at the origin, e.g. Hall 526). Rhombohedral groups use hexagonal axes in both.
 */
export type MoyoSetting = 'spglib' | 'standard';

let loaded = false;

/** Instantiates moyo's WebAssembly on first use. */
function ensureMoyo(): void {
  if (loaded) return;
  let wasmPath = '@spglib/moyo-wasm/moyo_wasm_bg.wasm';
  try {
    wasmPath = createRequire(import.meta.url).resolve(wasmPath);
    initSync({ module: readFileSync(wasmPath) });
  } catch (err) {
    throw new SymmetryError(
      'moyo_unavailable',
      `cannot load moyo's WebAssembly (${wasmPath}): ${err instanceof Error ? err.message : String(err)}; ` +
        'is @spglib/moyo-wasm installed (npm install)?',
      { cause: err },
    );
  }
  loaded = true;
}

const groupTypes = new Map<number, MoyoSpaceGroupType>();

/** moyo's description of ITA space group `number` (1..230): short HM symbol, crystal system, … */
export function spaceGroupType(number: number): MoyoSpaceGroupType {
  let t = groupTypes.get(number);
  if (!t) {
    ensureMoyo();
    t = space_group_type(number);
    groupTypes.set(number, t);
  }
  return t;
}

const groupOperations = new Map<number, readonly MoyoOperation[]>();

/**
 * The symmetry operations of the setting `hallNumber` of space group `number`, in its
 * conventional cell (centring translations included), as moyo lists them.
 */
export function operationsOf(hallNumber: number, number: number): readonly MoyoOperation[] {
  let ops = groupOperations.get(hallNumber);
  if (!ops) {
    ensureMoyo();
    ops = operations_from_number(number, { type: 'HallNumber', value: hallNumber }, false);
    groupOperations.set(hallNumber, ops);
  }
  return ops;
}

/**
 * Checks that moyo can be given `s` at this `symprec` (Å): finite numbers, known elements, a cell
 * with volume, and no two atoms (or an atom and its own image) closer than symprec — moyo cannot
 * assign such sites consistently. Throws {@link SymmetryError} naming the first problem.
 */
function checkInput(s: Structure, symprec: number): void {
  if (!s.lattice.every((r) => r.every(Number.isFinite)))
    throw new SymmetryError('non_finite', `lattice has a non-finite entry: ${JSON.stringify(s.lattice)}`);
  const badSite = s.fracCoords.findIndex((f) => !f.every(Number.isFinite));
  if (badSite >= 0)
    throw new SymmetryError(
      'non_finite',
      `site ${badSite} (${s.species[badSite]}) has a non-finite fractional coordinate: ${JSON.stringify(s.fracCoords[badSite])}`,
    );
  s.species.forEach((el, i) => {
    if (!Element.isElement(el))
      throw new SymmetryError(
        'unknown_element',
        `site ${i} has species ${JSON.stringify(el)}, which is not an element symbol H..Pu`,
      );
  });
  const volume = Math.abs(det3(s.lattice));
  const minWidth = volume > 0 ? Math.min(...perpendicularWidths(s.lattice)) : 0;
  if (!(minWidth > 1e-6))
    throw new SymmetryError(
      'degenerate_lattice',
      `lattice is degenerate (volume ${volume.toPrecision(3)} Å³, narrowest width ${minWidth.toPrecision(3)} Å): ` +
        JSON.stringify(s.lattice),
    );
  const close = closestPair(s, symprec, false);
  if (close)
    throw new SymmetryError(
      'overlapping_atoms',
      `${describePair(s, close)}, closer than symprec ${symprec} Å: moyo cannot analyse overlapping atoms ` +
        '(fix the structure, or use a smaller symprecA)',
    );
}

interface Pair {
  readonly i: number;
  readonly j: number;
  readonly distance: number;
  readonly selfImage: boolean;
}

/** The closest pair (i <= j, images included) below `cutoff` Å, only same-species ones if asked. */
function closestPair(s: Structure, cutoff: number, sameSpecies: boolean): Pair | null {
  const nl = neighborList(s, cutoff);
  let best: Pair | null = null;
  for (let e = 0; e < nl.src.length; e++) {
    const i = nl.src[e]!;
    const j = nl.dst[e]!;
    if (j < i || (sameSpecies && s.species[i] !== s.species[j])) continue;
    const distance = nl.distances[e]!;
    if (!best || distance < best.distance) best = { i, j, distance, selfImage: i === j };
  }
  return best;
}

function describePair(s: Structure, p: Pair): string {
  return p.selfImage
    ? `atom ${p.i} (${s.species[p.i]}) is ${p.distance.toFixed(3)} Å from its own periodic image`
    : `atoms ${p.i} (${s.species[p.i]}) and ${p.j} (${s.species[p.j]}) are ${p.distance.toFixed(3)} Å apart`;
}

/** Flattened lattice rows (a, b, c), the layout of moyo's `lattice.basis`. */
function basis(m: Mat3): number[] {
  return [...m[0], ...m[1], ...m[2]];
}

/**
 * moyo's full symmetry dataset of `s` at distance tolerance `symprec` (Å) in `setting`. moyo's
 * angle criterion is its default (AngleTolerance::Default: a rotated lattice vector pair is
 * accepted when sin²Δθ·|u||v| < symprec², Eq. 7 of arXiv:1808.01590); the WebAssembly build does
 * not expose an angle tolerance. When the search fails at `symprec`, moyo retries with adjusted
 * tolerances and reports the one it used in `dataset.symprec`.
 *
 * Throws {@link SymmetryError} (never crashes the process) for input moyo cannot handle.
 */
export function moyoDataset(s: Structure, symprec: number, setting: MoyoSetting): MoyoDataset {
  checkInput(s, symprec);
  ensureMoyo();
  const cell = {
    lattice: { basis: basis(s.lattice) },
    positions: s.fracCoords,
    numbers: s.species.map((el) => Element.bySymbol(el).z),
  };
  try {
    return analyze_cell(JSON.stringify(cell), symprec, setting === 'spglib' ? 'Spglib' : 'Standard');
  } catch (err) {
    // moyo reports errors as plain strings ("moyo error: PrimitiveSymmetrySearchError"); a Rust
    // panic surfaces as a WebAssembly.RuntimeError.
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    // Same-species atoms within 2·symprec are what makes moyo's primitive-cell search fail in practice.
    const close = closestPair(s, 2 * symprec, true);
    const hint = close
      ? `; ${describePair(s, close)}, within 2 × symprec: moyo cannot tell them apart (fix the structure, or use a smaller symprecA)`
      : '';
    throw new SymmetryError(
      'moyo_failed',
      `moyo could not find the symmetry of ${s.species.length}-site ${[...new Set(s.species)].join('-')} ` +
        `at symprec ${symprec} Å (${reason})${hint}`,
      { cause: err },
    );
  }
}
