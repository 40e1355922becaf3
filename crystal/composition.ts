/**
 * `Composition`: element symbol -> amount (number of atoms; may be fractional). Plain frozen JSON
 * with a companion object of functions (STYLE.md D1), after pymatgen's `core/composition.py`.
 *
 * Formula strings follow pymatgen: elements are ordered by Pauling electronegativity, ties broken
 * alphabetically, elements without one (He, Ne, Ar) first, as in Materials Project formulas
 * ('HeSiO2'); a trailing polyanion is grouped, and a few peroxides and diatomic elements keep
 * their molecular formula:
 *
 * ```ts
 * Composition.reducedFormula(Composition.parse('Li4Si2O6')); // 'Li2SiO3'
 * Composition.reducedFormula(Composition.parse('Fe2(SO4)3')); // 'Fe2(SO4)3'
 * Composition.reducedFormula(Composition.parse('O8')); // 'O2'
 * ```
 */
import { Element } from './elements.js';

export interface Composition {
  readonly [element: string]: number;
}

/** Amounts closer than this to zero are dropped, and to an integer are treated as integers. */
const AMOUNT_TOLERANCE = 1e-8;

/** pymatgen's `Composition.special_formulas`: keeps Li2O2 from reading LiO, O2 from O, … */
const SPECIAL_FORMULAS: Readonly<Record<string, string>> = {
  LiO: 'Li2O2',
  NaO: 'Na2O2',
  KO: 'K2O2',
  HO: 'H2O2',
  CsO: 'Cs2O2',
  RbO: 'Rb2O2',
  O: 'O2',
  N: 'N2',
  F: 'F2',
  Cl: 'Cl2',
  H: 'H2',
};

/** Electronegativity used for ordering; elements without one (He, Ne, Ar) sort first, as in MP's 'HeSiO2'. */
function orderKey(symbol: string): number {
  return Element.bySymbol(symbol).electronegativity ?? 0;
}

function byElectronegativity(a: string, b: string): number {
  return orderKey(a) - orderKey(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function gcd(a: number, b: number): number {
  let [x, y] = [Math.abs(a), Math.abs(b)];
  while (y) [x, y] = [y, x % y];
  return x;
}

function isInteger(x: number): boolean {
  return Math.abs(x - Math.round(x)) < AMOUNT_TOLERANCE;
}

/** pymatgen's `formula_double_format`: 1 -> '' (when ignoring ones), 2.0 -> '2', else 8 decimals. */
function formatAmount(x: number, ignoreOnes: boolean): string {
  if (ignoreOnes && x === 1) return '';
  if (isInteger(x)) return String(Math.round(x));
  return String(Math.round(x * 1e8) / 1e8);
}

/** pymatgen's `reduce_formula` for integer amounts: [formula, factor]. */
function reduceIntegerFormula(amounts: ReadonlyMap<string, number>): [string, number] {
  let syms = [...amounts.keys()].sort(byElectronegativity);
  let factor = 0;
  for (const v of amounts.values()) factor = gcd(factor, Math.round(v));
  factor = factor || 1;
  let polyanion = '';
  if (syms.length >= 3) {
    const [s2, s1] = [syms[syms.length - 2]!, syms[syms.length - 1]!];
    if (orderKey(s1) - orderKey(s2) < 1.65) {
      const poly = new Map([s2, s1].map((s) => [s, amounts.get(s)! / factor]));
      const [polyForm, polyFactor] = reduceIntegerFormula(poly);
      if (polyFactor !== 1) polyanion = `(${polyForm})${polyFactor}`;
    }
  }
  if (polyanion) syms = syms.slice(0, -2);
  const body = syms.map((s) => s + formatAmount(amounts.get(s)! / factor, true)).join('');
  return [body + polyanion, factor];
}

export const Composition = Object.freeze({
  /**
   * Builds a composition from element -> amount pairs. Amounts must be finite and non-negative;
   * amounts below 1e-8 are dropped. Throws naming the bad element or amount.
   */
  create(amounts: Readonly<Record<string, number>> | Iterable<readonly [string, number]>): Composition {
    const entries = Symbol.iterator in amounts ? [...amounts] : Object.entries(amounts);
    const out: Record<string, number> = {};
    for (const [el, amt] of entries) {
      Element.bySymbol(el);
      if (!Number.isFinite(amt) || amt < -AMOUNT_TOLERANCE) {
        throw new RangeError(`amount of ${el} is ${amt}: amounts must be finite and non-negative`);
      }
      if (Math.abs(amt) < AMOUNT_TOLERANCE) continue;
      out[el] = (out[el] ?? 0) + amt;
    }
    return Object.freeze(out);
  },

  /** Counts of each symbol in a species list (e.g. a structure's), in order of first appearance. */
  fromSpecies(species: readonly string[]): Composition {
    const counts = new Map<string, number>();
    for (const el of species) counts.set(el, (counts.get(el) ?? 0) + 1);
    return Composition.create(counts);
  },

  /**
   * Parses a formula: 'Li2SiO3', 'Fe2(SO4)3', 'Ca[OH]2', 'Li0.5CoO2', 'Li2 Si1 O3'. Groups nest;
   * amounts may be decimals. Throws a SyntaxError naming the formula and the character position.
   */
  parse(formula: string): Composition {
    return Composition.create(parseFormula(formula));
  },

  /** Amount of `element` (0 when absent). */
  amount(c: Composition, element: string): number {
    return c[element] ?? 0;
  },

  /** Element symbols, in insertion order. */
  elements(c: Composition): string[] {
    return Object.keys(c);
  },

  /** Total number of atoms. */
  numAtoms(c: Composition): number {
    return Object.values(c).reduce((a, b) => a + b, 0);
  },

  /** Formula weight, amu (g/mol). */
  weight(c: Composition): number {
    return Object.entries(c).reduce((w, [el, n]) => w + n * Element.bySymbol(el).atomicMass, 0);
  },

  /** Amounts normalised to sum to 1 ('Fe2O3' -> Fe 0.4, O 0.6). */
  fractional(c: Composition): Composition {
    const n = Composition.numAtoms(c);
    return Composition.create(Object.entries(c).map(([el, a]) => [el, a / n] as const));
  },

  /** Formula with every amount written, electronegativity order, spaces: 'Li4 Si2 O6'. */
  formula(c: Composition): string {
    return Object.keys(c)
      .sort(byElectronegativity)
      .map((el) => el + formatAmount(c[el]!, false))
      .join(' ');
  },

  /**
   * pymatgen's `get_reduced_formula_and_factor`: integer amounts are divided by their gcd
   * ('Li4Si2O6' -> ['Li2SiO3', 2]); non-integer amounts are left as they are (factor 1).
   */
  reducedFormulaAndFactor(c: Composition): [string, number] {
    const amounts = new Map(Object.entries(c));
    if (amounts.size === 0) return ['', 1];
    if (![...amounts.values()].every(isInteger)) return [Composition.formula(c).replace(/ /g, ''), 1];
    const rounded = new Map([...amounts].map(([el, a]) => [el, Math.round(a)]));
    const [formula, factor] = reduceIntegerFormula(rounded);
    const special = SPECIAL_FORMULAS[formula];
    return special ? [special, factor / 2] : [formula, factor];
  },

  /** Reduced formula, e.g. 'Li2SiO3', 'Fe2(SO4)3', 'O2' (see the module doc). */
  reducedFormula(c: Composition): string {
    return Composition.reducedFormulaAndFactor(c)[0];
  },

  /** The composition divided by its reduction factor ('Li4Si2O6' -> Li2 Si1 O3). */
  reduced(c: Composition): Composition {
    const factor = Composition.reducedFormulaAndFactor(c)[1];
    return Composition.create(Object.entries(c).map(([el, a]) => [el, a / factor] as const));
  },

  /** Elements sorted alphabetically and joined by '-': 'Li-O-Si'. */
  chemicalSystem(c: Composition): string {
    return Object.keys(c).sort().join('-');
  },

  /** Same elements, amounts equal within `tolerance` (absolute, atoms). */
  equals(a: Composition, b: Composition, tolerance = AMOUNT_TOLERANCE): boolean {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (Math.abs((a[k] ?? 0) - (b[k] ?? 0)) > tolerance) return false;
    return true;
  },
});

/** Recursive-descent formula parser: formula := (unit amount?)*, unit := Symbol | (formula) | [formula]. */
function parseFormula(formula: string): Map<string, number> {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`invalid formula ${JSON.stringify(formula)}: ${what} at position ${pos + 1}`);
  };
  const skipSpace = () => {
    while (pos < formula.length && /\s/.test(formula[pos]!)) pos++;
  };
  const readAmount = (): number => {
    const m = /^(\d+(?:\.\d*)?|\.\d+)/.exec(formula.slice(pos));
    if (!m) return 1;
    pos += m[0].length;
    return Number(m[0]);
  };
  const readGroup = (close: string | null): Map<string, number> => {
    const out = new Map<string, number>();
    const add = (el: string, n: number) => out.set(el, (out.get(el) ?? 0) + n);
    for (;;) {
      skipSpace();
      const ch = formula[pos];
      if (ch === undefined) {
        if (close) fail(`missing '${close}'`);
        return out;
      }
      if (ch === close) {
        pos++;
        return out;
      }
      if (ch === '(' || ch === '[') {
        pos++;
        const inner = readGroup(ch === '(' ? ')' : ']');
        if (inner.size === 0) fail('empty group');
        const n = readAmount();
        for (const [el, a] of inner) add(el, a * n);
        continue;
      }
      const m = /^[A-Z][a-z]*/.exec(formula.slice(pos));
      if (!m) fail(`unexpected ${JSON.stringify(ch)}`);
      const sym = m![0];
      if (!Element.isElement(sym)) fail(`unknown element ${JSON.stringify(sym)}`);
      pos += sym.length;
      add(sym, readAmount());
    }
  };
  const out = readGroup(null);
  if (out.size === 0) fail('no elements');
  return out;
}
