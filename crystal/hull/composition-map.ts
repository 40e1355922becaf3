/**
 * The composition type of the thermodynamics module: a plain record from element symbol to amount
 * (number of atoms, not necessarily integer). The hull needs nothing more than this, so it does
 * not depend on the richer Composition of `crystal/` (STYLE D6).
 *
 * @example
 * const fe2o3: CompositionMap = { Fe: 2, O: 3 };
 * CompositionMap.numAtoms(fe2o3); // 5
 * CompositionMap.fractional(fe2o3); // { Fe: 0.4, O: 0.6 }
 */

import { HullInputError } from './errors.js';
import { COMPOSITION_KEY_DECIMALS } from './tolerances.js';

/** Element symbol -> amount (atoms). Amounts are finite and >= 0; at least one is > 0. */
export type CompositionMap = Readonly<Record<string, number>>;

const ELEMENT_SYMBOL = /^[A-Z][a-z]?$/;

export const CompositionMap = Object.freeze({
  /**
   * Checks `composition` and returns a frozen copy with elements sorted and zero amounts dropped.
   * Throws {@link HullInputError} for a malformed symbol, a negative or non-finite amount, or no
   * positive amount at all. `entryId` only labels the error.
   */
  validated(composition: CompositionMap, entryId: string | null = null): CompositionMap {
    const out: Record<string, number> = {};
    for (const element of Object.keys(composition).sort()) {
      const amount = composition[element];
      if (!ELEMENT_SYMBOL.test(element)) {
        throw new HullInputError(`'${element}' is not an element symbol`, entryId);
      }
      if (amount === undefined || !Number.isFinite(amount) || amount < 0) {
        throw new HullInputError(`amount of ${element} must be a finite number >= 0, got ${amount}`, entryId);
      }
      if (amount > 0) out[element] = amount;
    }
    if (Object.keys(out).length === 0) {
      throw new HullInputError('composition has no element with a positive amount', entryId);
    }
    return Object.freeze(out);
  },

  /** Total number of atoms. */
  numAtoms(composition: CompositionMap): number {
    let n = 0;
    for (const amount of Object.values(composition)) n += amount;
    return n;
  },

  /** Atom fractions, summing to 1, elements sorted, zero amounts dropped. */
  fractional(composition: CompositionMap): CompositionMap {
    const n = CompositionMap.numAtoms(composition);
    const out: Record<string, number> = {};
    for (const element of Object.keys(composition).sort()) {
      const amount = composition[element] ?? 0;
      if (amount > 0) out[element] = amount / n;
    }
    return Object.freeze(out);
  },

  /** Elements with a positive amount, sorted alphabetically. */
  elements(composition: CompositionMap): string[] {
    return Object.keys(composition)
      .filter((element) => (composition[element] ?? 0) > 0)
      .sort();
  },

  /**
   * A string that is equal for two compositions exactly when their atom fractions agree to
   * {@link COMPOSITION_KEY_DECIMALS} decimals: `{ A: 1, B: 2 }` and `{ B: 4, A: 2 }` both give
   * `"A:0.3333333333 B:0.6666666667"`.
   */
  key(composition: CompositionMap): string {
    const fractions = CompositionMap.fractional(composition);
    return Object.entries(fractions)
      .map(([element, x]) => `${element}:${x.toFixed(COMPOSITION_KEY_DECIMALS)}`)
      .join(' ');
  },
});
