/**
 * The compositions a chemical-system request may be given when every element must be present:
 * every integer vector of atom counts with at least one atom of each element, by number of atoms,
 * and for an ionic system (one with an anion candidate: O, N, F, Cl, Br, I, S, Se, Te, P, H) only
 * the charge-balanced ones (`oxidation-states.ts`), unless there is none within the atom limit.
 *
 * ```ts
 * const space = compositionSpace(['Li', 'O'], 6);
 * space.charge;               // 'balanced'
 * space.byAtoms.get(3);       // [[2, 1]]  (Li2O)
 * space.byAtoms.has(4);       // false     (no balanced Li-O composition of 4 atoms)
 * ```
 */
import { isChargeBalanced, isIonicSystem } from './oxidation-states.js';

/** How the compositions of a {@link CompositionSpace} were chosen. */
export type ChargeChoice =
  /** Ionic system: only charge-balanced compositions. */
  | 'balanced'
  /** Ionic system with no charge-balanced composition within the atom limit: every composition. */
  | 'unbalanced'
  /** No anion candidate, or a single element: every composition. */
  | 'not-required';

/** Every allowed composition of a system, grouped by number of atoms. */
export interface CompositionSpace {
  /** The system's elements, in the order of the count vectors. */
  readonly elements: readonly string[];
  /** Number of atoms → count vectors (one count per element, each ≥ 1), in lexicographic order; only non-empty groups. */
  readonly byAtoms: ReadonlyMap<number, readonly (readonly number[])[]>;
  readonly charge: ChargeChoice;
}

const cache = new Map<string, CompositionSpace>();

/**
 * The compositions of `elements` with at least one atom of each and `natoms` atoms (when given)
 * or from `elements.length` to `maxAtoms` atoms. Empty `byAtoms` when there are more elements
 * than atoms. Results are cached by arguments.
 */
export function compositionSpace(
  elements: readonly string[],
  maxAtoms: number,
  natoms?: number,
): CompositionSpace {
  const key = `${elements.join('-')}|${maxAtoms}|${natoms ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const k = elements.length;
  const sizes =
    natoms !== undefined ? [natoms] : Array.from({ length: Math.max(0, maxAtoms - k + 1) }, (_, i) => k + i);
  const all = new Map<number, number[][]>();
  for (const size of sizes) if (size >= k) all.set(size, countVectors(k, size));
  let byAtoms: Map<number, number[][]> = all;
  let charge: ChargeChoice = 'not-required';
  if (isIonicSystem(elements)) {
    const balanced = new Map<number, number[][]>();
    for (const [size, vectors] of all) {
      const ok = vectors.filter((v) => isChargeBalanced(new Map(elements.map((el, i) => [el, v[i]!]))));
      if (ok.length) balanced.set(size, ok);
    }
    if (balanced.size) [byAtoms, charge] = [balanced, 'balanced'];
    else charge = 'unbalanced';
  }
  for (const [size, vectors] of byAtoms) if (vectors.length === 0) byAtoms.delete(size);
  const space: CompositionSpace = Object.freeze({ elements: Object.freeze([...elements]), byAtoms, charge });
  if (cache.size >= 64) cache.delete(cache.keys().next().value!);
  cache.set(key, space);
  return space;
}

/** Every vector of `k` positive integers summing to `total`, in lexicographic order. */
function countVectors(k: number, total: number): number[][] {
  const out: number[][] = [];
  const v = new Array<number>(k).fill(1);
  const fill = (i: number, left: number) => {
    if (i === k - 1) {
      v[i] = left;
      out.push([...v]);
      return;
    }
    for (let c = 1; c <= left - (k - 1 - i); c++) {
      v[i] = c;
      fill(i + 1, left - c);
    }
  };
  if (k >= 1 && total >= k) fill(0, total);
  return out;
}
