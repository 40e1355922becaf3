/**
 * A small chemical formula parser, enough for Materials Project `pretty_formula` strings and
 * hand-written test input: element symbols with optional (possibly decimal) amounts, and nested
 * groups in `()` or `[]` with a multiplier. Whitespace is ignored.
 *
 * @example
 * parseFormula('Li2O'); // { Li: 2, O: 1 }
 * parseFormula('Ba(FeAs)2'); // { Ba: 1, Fe: 2, As: 2 }
 * parseFormula('Fe0.5Ni0.5'); // { Fe: 0.5, Ni: 0.5 }
 */

import { CompositionMap } from './composition-map.js';
import { FormulaParseError } from './errors.js';

const CLOSING: Readonly<Record<string, string>> = { '(': ')', '[': ']' };

/** Parses `formula` into element -> amount; repeated elements add up (`CH3COOH` -> C2H4O2). */
export function parseFormula(formula: string): CompositionMap {
  const text = formula.replace(/\s+/g, '');
  let pos = 0;

  const fail: (what: string) => never = (what) => {
    throw new FormulaParseError(`${what} at position ${pos} of formula '${formula}'`, formula, pos);
  };

  const readAmount = (): number => {
    const match = /^\d+(\.\d+)?|^\.\d+/.exec(text.slice(pos));
    if (match === null) return 1;
    pos += match[0].length;
    return Number(match[0]);
  };

  // Parses until `closer` (or the end when null); returns the amounts of that group.
  const readGroup = (closer: string | null): Map<string, number> => {
    const amounts = new Map<string, number>();
    const add = (element: string, amount: number) =>
      amounts.set(element, (amounts.get(element) ?? 0) + amount);
    while (pos < text.length) {
      const ch = text[pos] as string;
      if (ch === closer) return amounts;
      const innerCloser = CLOSING[ch];
      if (innerCloser !== undefined) {
        pos += 1;
        const inner = readGroup(innerCloser);
        if (text[pos] !== innerCloser) fail(`missing '${innerCloser}'`);
        pos += 1;
        const multiplier = readAmount();
        for (const [element, amount] of inner) add(element, amount * multiplier);
        continue;
      }
      const symbol = /^[A-Z][a-z]?/.exec(text.slice(pos));
      if (symbol === null) fail(`unexpected '${ch}'`);
      pos += symbol[0].length;
      add(symbol[0], readAmount());
    }
    if (closer !== null) fail(`missing '${closer}'`);
    return amounts;
  };

  const amounts = readGroup(null);
  if (amounts.size === 0) fail('no element');
  return CompositionMap.validated(Object.fromEntries(amounts));
}
