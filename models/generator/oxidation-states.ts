/**
 * Oxidation states and electronegativities of every element of the generator's vocabulary
 * (Z = 1..100, H..Fm), and the charge-balance test that the chemical-system conditioning uses to
 * draw ionic compositions (`system-compositions.ts`).
 *
 * Source: pymatgen 2026.10.24 (pymatgen-core 2026.10.16), `pymatgen/core/periodic_table.json`:
 * the states of an element are the union of `Element.common_oxidation_states` (pymatgen's
 * "common" states) and `Element.icsd_oxidation_states` (states seen in at least 10 ICSD
 * structures, pymatgen's bond-valence data), without 0; electronegativity is `Element.X` (Pauling),
 * null where pymatgen has none (He, Ne, Ar). Regenerate with
 *
 * ```
 * .venv/bin/python -c "
 * import math; from pymatgen.core import Element
 * for z in range(1, 101):
 *     e = Element.from_Z(z); x = e.X
 *     st = sorted((set(e.common_oxidation_states) | set(e.icsd_oxidation_states)) - {0})
 *     print([e.symbol, st, None if math.isnan(x) else round(x, 2)])"
 * ```
 *
 * The union is wider than the common states alone (`crystal/elements.ts`, which the SMACT-style
 * evaluation metric uses): Ti, V and Nb also take their ICSD states +2..+4, Cu +1 and +3, so
 * compositions such as LiVO2 (V3+) and Cu2O count as charge balanced, as they do in SMACT.
 */

/** [symbol, oxidation states (ascending, no 0), Pauling electronegativity or null], by Z. */
type Row = readonly [string, readonly number[], number | null];
const ROWS: readonly Row[] = [
  ['H', [-1, 1], 2.2],
  ['He', [], null],
  ['Li', [1], 0.98],
  ['Be', [2], 1.57],
  ['B', [-3, 3], 2.04],
  ['C', [-4, -3, -2, -1, 1, 2, 3, 4], 2.55],
  ['N', [-3, -2, -1, 1, 3, 5], 3.04],
  ['O', [-2], 3.44],
  ['F', [-1], 3.98],
  ['Ne', [], null],
  ['Na', [1], 0.93],
  ['Mg', [2], 1.31],
  ['Al', [3], 1.61],
  ['Si', [-4, 4], 1.9],
  ['P', [-3, -2, -1, 3, 4, 5], 2.19],
  ['S', [-2, -1, 2, 4, 6], 2.58],
  ['Cl', [-1, 1, 3, 5, 7], 3.16],
  ['Ar', [], null],
  ['K', [1], 0.82],
  ['Ca', [2], 1],
  ['Sc', [2, 3], 1.36],
  ['Ti', [2, 3, 4], 1.54],
  ['V', [2, 3, 4, 5], 1.63],
  ['Cr', [2, 3, 4, 5, 6], 1.66],
  ['Mn', [2, 3, 4, 7], 1.55],
  ['Fe', [2, 3], 1.83],
  ['Co', [1, 2, 3, 4], 1.88],
  ['Ni', [1, 2, 3, 4], 1.91],
  ['Cu', [1, 2, 3], 1.9],
  ['Zn', [2], 1.65],
  ['Ga', [2, 3], 1.81],
  ['Ge', [-4, 2, 3, 4], 2.01],
  ['As', [-3, -2, -1, 2, 3, 5], 2.18],
  ['Se', [-2, -1, 2, 4, 6], 2.55],
  ['Br', [-1, 1, 3, 5], 2.96],
  ['Kr', [2], 3],
  ['Rb', [1], 0.82],
  ['Sr', [2], 0.95],
  ['Y', [3], 1.22],
  ['Zr', [2, 3, 4], 1.33],
  ['Nb', [2, 3, 4, 5], 1.6],
  ['Mo', [2, 3, 4, 5, 6], 2.16],
  ['Tc', [4, 7], 1.9],
  ['Ru', [2, 3, 4, 5, 6], 2.2],
  ['Rh', [3, 4], 2.28],
  ['Pd', [2, 4], 2.2],
  ['Ag', [1, 2, 3], 1.93],
  ['Cd', [2], 1.69],
  ['In', [1, 2, 3], 1.78],
  ['Sn', [-4, 2, 3, 4], 1.96],
  ['Sb', [-3, -2, -1, 3, 5], 2.05],
  ['Te', [-2, -1, 2, 4, 6], 2.1],
  ['I', [-1, 1, 3, 5, 7], 2.66],
  ['Xe', [2, 4, 6], 2.6],
  ['Cs', [1], 0.79],
  ['Ba', [2], 0.89],
  ['La', [2, 3], 1.1],
  ['Ce', [3, 4], 1.12],
  ['Pr', [3, 4], 1.13],
  ['Nd', [2, 3], 1.14],
  ['Pm', [3], 1.13],
  ['Sm', [2, 3], 1.17],
  ['Eu', [2, 3], 1.2],
  ['Gd', [3], 1.2],
  ['Tb', [3, 4], 1.1],
  ['Dy', [3], 1.22],
  ['Ho', [3], 1.23],
  ['Er', [3], 1.24],
  ['Tm', [3], 1.25],
  ['Yb', [2, 3], 1.1],
  ['Lu', [3], 1.27],
  ['Hf', [4], 1.3],
  ['Ta', [3, 4, 5], 1.5],
  ['W', [2, 3, 4, 5, 6], 2.36],
  ['Re', [3, 4, 5, 6, 7], 1.9],
  ['Os', [4], 2.2],
  ['Ir', [3, 4, 5], 2.2],
  ['Pt', [2, 4], 2.28],
  ['Au', [3], 2.54],
  ['Hg', [1, 2], 2],
  ['Tl', [1, 3], 1.62],
  ['Pb', [2, 4], 2.33],
  ['Bi', [1, 2, 3, 5], 2.02],
  ['Po', [-2, 2, 4], 2],
  ['At', [-1, 1], 2.2],
  ['Rn', [], 2.2],
  ['Fr', [1], 0.7],
  ['Ra', [2], 0.9],
  ['Ac', [3], 1.1],
  ['Th', [4], 1.3],
  ['Pa', [5], 1.5],
  ['U', [3, 4, 5, 6], 1.38],
  ['Np', [5], 1.36],
  ['Pu', [4], 1.28],
  ['Am', [3], 1.3],
  ['Cm', [3], 1.3],
  ['Bk', [3], 1.3],
  ['Cf', [3], 1.3],
  ['Es', [3], 1.3],
  ['Fm', [3], 1.3],
];

const BY_SYMBOL: ReadonlyMap<string, { readonly states: readonly number[]; readonly x: number | null }> =
  new Map(ROWS.map(([s, states, x]) => [s, Object.freeze({ states: Object.freeze([...states]), x })]));

/** Oxidation states of an element, ascending (empty for He, Ne, Ar, Rn; undefined if not in the table). */
export function oxidationStates(symbol: string): readonly number[] | undefined {
  return BY_SYMBOL.get(symbol)?.states;
}

/** Pauling electronegativity of the table (null for He, Ne, Ar; undefined if not in the table). */
export function electronegativity(symbol: string): number | null | undefined {
  return BY_SYMBOL.get(symbol)?.x;
}

/** Symbols of the table, by Z (H..Fm). */
export const OXIDATION_TABLE_SYMBOLS: readonly string[] = Object.freeze(ROWS.map((r) => r[0]));

/**
 * Elements that can be the anion of an ionic compound; a chemical system with one of them (and at
 * least one other element) is drawn charge balanced.
 */
export const ANION_CANDIDATES: ReadonlySet<string> = new Set([
  'O',
  'N',
  'F',
  'Cl',
  'Br',
  'I',
  'S',
  'Se',
  'Te',
  'P',
  'H',
]);

/** True for a system of two or more elements with an anion candidate ({@link ANION_CANDIDATES}). */
export function isIonicSystem(elements: readonly string[]): boolean {
  return new Set(elements).size >= 2 && elements.some((el) => ANION_CANDIDATES.has(el));
}

/**
 * True when one oxidation state per element (from this table) makes the composition neutral and
 * passes the Pauling test: every cation less electronegative than every anion (SMACT's
 * `neutral_ratios` with the counts fixed, plus `eneg_states_test`). A single element is
 * balanced (oxidation state 0). An element outside the table or without states makes a
 * multi-element composition unbalanced.
 *
 * ```ts
 * isChargeBalanced(new Map([['Li', 1], ['Fe', 1], ['O', 2]])); // true  (Li+ Fe3+ 2 O2-)
 * isChargeBalanced(new Map([['Li', 1], ['O', 1]]));            // false
 * ```
 *
 * How: a valid assignment puts every cation at or below some electronegativity cut and every
 * anion above it, so for each cut between distinct electronegativities the elements below take
 * only positive states, those above only negative ones, and the reachable total charges are
 * accumulated element by element (a set of integers); balanced when 0 is reachable for some cut.
 */
export function isChargeBalanced(counts: ReadonlyMap<string, number>): boolean {
  const entries = [...counts].filter(([, c]) => c > 0);
  if (entries.length === 0) return false;
  if (entries.length === 1) return true;
  const rows = entries.map(([el, c]) => ({ c: Math.round(c), data: BY_SYMBOL.get(el) }));
  if (rows.some((r) => !r.data || r.data.states.length === 0)) return false;
  const data = rows.map((r) => ({ c: r.c, states: r.data!.states, x: r.data!.x }));
  const reachable = (allowed: (i: number) => readonly number[]) => {
    let sums = new Set([0]);
    for (let i = 0; i < data.length; i++) {
      const next = new Set<number>();
      for (const q of sums) for (const s of allowed(i)) next.add(q + s * data[i]!.c);
      if (next.size === 0) return false;
      sums = next;
    }
    return sums.has(0);
  };
  // No electronegativity for an element with states: SMACT then accepts the assignment, so only
  // neutrality is tested (no element of the table is in this case today).
  if (data.some((d) => d.x === null)) return reachable((i) => data[i]!.states);
  const cuts = [...new Set(data.map((d) => d.x!))].sort((a, b) => a - b);
  for (const cut of cuts) {
    const ok = reachable((i) => data[i]!.states.filter((s) => (data[i]!.x! <= cut ? s > 0 : s < 0)));
    if (ok) return true;
  }
  return false;
}
