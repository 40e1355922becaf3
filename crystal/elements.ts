/**
 * Periodic-table data for Z = 1..94 (H..Pu) and symbol lookups.
 *
 * Sources: atomic masses (amu) are the IUPAC 2016 standard atomic weights as tabulated by ASE
 * (`atomic_masses_iupac2016`; the mass of the longest-lived isotope for Tc, Pm and Po..Pu);
 * covalent radii (Å) are Cordero et al., Dalton Trans. 2832 (2008), doi:10.1039/b801115j
 * (low-spin values for Mn, Fe, Co; sp3 for C); electronegativities are Pauling values as used by
 * pymatgen's `Element.X` (null where none is defined: He, Ne, Ar); oxidation states are the
 * common ("main") oxidation states, as in pymatgen's `common_oxidation_states`.
 */

/** One element's data. Units: atomicMass in amu (g/mol), covalentRadius in Å. */
export interface ElementData {
  readonly symbol: string;
  /** Atomic number. */
  readonly z: number;
  /** Standard atomic weight, amu. */
  readonly atomicMass: number;
  /** Single-bond covalent radius, Å. */
  readonly covalentRadius: number;
  /** Pauling electronegativity; null where undefined (He, Ne, Ar). */
  readonly electronegativity: number | null;
  /** Common oxidation states, ascending; empty for He, Ne, Ar. */
  readonly commonOxidationStates: readonly number[];
}

/** Raised when a symbol or label does not name an element H..Pu. */
export class UnknownElementError extends Error {
  override readonly name = 'UnknownElementError';
  constructor(readonly symbol: string) {
    super(`unknown element symbol ${JSON.stringify(symbol)}: expected one of H..Pu (Z = 1..94), e.g. 'Fe'`);
  }
}

// [symbol, mass (amu), covalent radius (Å), Pauling X or null, common oxidation states], by Z.
type Row = readonly [string, number, number, number | null, readonly number[]];
const ROWS: readonly Row[] = [
  ['H', 1.008, 0.31, 2.2, [-1, 1]],
  ['He', 4.002602, 0.28, null, []],
  ['Li', 6.94, 1.28, 0.98, [1]],
  ['Be', 9.0121831, 0.96, 1.57, [2]],
  ['B', 10.81, 0.84, 2.04, [3]],
  ['C', 12.011, 0.76, 2.55, [-4, 4]],
  ['N', 14.007, 0.71, 3.04, [-3, 3, 5]],
  ['O', 15.999, 0.66, 3.44, [-2]],
  ['F', 18.998403163, 0.57, 3.98, [-1]],
  ['Ne', 20.1797, 0.58, null, []],
  ['Na', 22.98976928, 1.66, 0.93, [1]],
  ['Mg', 24.305, 1.41, 1.31, [2]],
  ['Al', 26.9815385, 1.21, 1.61, [3]],
  ['Si', 28.085, 1.11, 1.9, [-4, 4]],
  ['P', 30.973761998, 1.07, 2.19, [-3, 3, 5]],
  ['S', 32.06, 1.05, 2.58, [-2, 2, 4, 6]],
  ['Cl', 35.45, 1.02, 3.16, [-1, 1, 3, 5, 7]],
  ['Ar', 39.948, 1.06, null, []],
  ['K', 39.0983, 2.03, 0.82, [1]],
  ['Ca', 40.078, 1.76, 1.0, [2]],
  ['Sc', 44.955908, 1.7, 1.36, [3]],
  ['Ti', 47.867, 1.6, 1.54, [4]],
  ['V', 50.9415, 1.53, 1.63, [5]],
  ['Cr', 51.9961, 1.39, 1.66, [3, 6]],
  ['Mn', 54.938044, 1.39, 1.55, [2, 4, 7]],
  ['Fe', 55.845, 1.32, 1.83, [2, 3]],
  ['Co', 58.933194, 1.26, 1.88, [2, 3]],
  ['Ni', 58.6934, 1.24, 1.91, [2]],
  ['Cu', 63.546, 1.32, 1.9, [2]],
  ['Zn', 65.38, 1.22, 1.65, [2]],
  ['Ga', 69.723, 1.22, 1.81, [3]],
  ['Ge', 72.63, 1.2, 2.01, [-4, 2, 4]],
  ['As', 74.921595, 1.19, 2.18, [-3, 3, 5]],
  ['Se', 78.971, 1.2, 2.55, [-2, 2, 4, 6]],
  ['Br', 79.904, 1.2, 2.96, [-1, 1, 3, 5]],
  ['Kr', 83.798, 1.16, 3.0, [2]],
  ['Rb', 85.4678, 2.2, 0.82, [1]],
  ['Sr', 87.62, 1.95, 0.95, [2]],
  ['Y', 88.90584, 1.9, 1.22, [3]],
  ['Zr', 91.224, 1.75, 1.33, [4]],
  ['Nb', 92.90637, 1.64, 1.6, [5]],
  ['Mo', 95.95, 1.54, 2.16, [4, 6]],
  ['Tc', 97.90721, 1.47, 1.9, [4, 7]],
  ['Ru', 101.07, 1.46, 2.2, [3, 4]],
  ['Rh', 102.9055, 1.42, 2.28, [3]],
  ['Pd', 106.42, 1.39, 2.2, [2, 4]],
  ['Ag', 107.8682, 1.45, 1.93, [1]],
  ['Cd', 112.414, 1.44, 1.69, [2]],
  ['In', 114.818, 1.42, 1.78, [3]],
  ['Sn', 118.71, 1.39, 1.96, [-4, 2, 4]],
  ['Sb', 121.76, 1.39, 2.05, [-3, 3, 5]],
  ['Te', 127.6, 1.38, 2.1, [-2, 2, 4, 6]],
  ['I', 126.90447, 1.39, 2.66, [-1, 1, 3, 5, 7]],
  ['Xe', 131.293, 1.4, 2.6, [2, 4, 6]],
  ['Cs', 132.90545196, 2.44, 0.79, [1]],
  ['Ba', 137.327, 2.15, 0.89, [2]],
  ['La', 138.90547, 2.07, 1.1, [3]],
  ['Ce', 140.116, 2.04, 1.12, [3, 4]],
  ['Pr', 140.90766, 2.03, 1.13, [3]],
  ['Nd', 144.242, 2.01, 1.14, [3]],
  ['Pm', 144.91276, 1.99, 1.13, [3]],
  ['Sm', 150.36, 1.98, 1.17, [3]],
  ['Eu', 151.964, 1.98, 1.2, [2, 3]],
  ['Gd', 157.25, 1.96, 1.2, [3]],
  ['Tb', 158.92535, 1.94, 1.1, [3]],
  ['Dy', 162.5, 1.92, 1.22, [3]],
  ['Ho', 164.93033, 1.92, 1.23, [3]],
  ['Er', 167.259, 1.89, 1.24, [3]],
  ['Tm', 168.93422, 1.9, 1.25, [3]],
  ['Yb', 173.054, 1.87, 1.1, [3]],
  ['Lu', 174.9668, 1.87, 1.27, [3]],
  ['Hf', 178.49, 1.75, 1.3, [4]],
  ['Ta', 180.94788, 1.7, 1.5, [5]],
  ['W', 183.84, 1.62, 2.36, [4, 6]],
  ['Re', 186.207, 1.51, 1.9, [4]],
  ['Os', 190.23, 1.44, 2.2, [4]],
  ['Ir', 192.217, 1.41, 2.2, [3, 4]],
  ['Pt', 195.084, 1.36, 2.28, [2, 4]],
  ['Au', 196.966569, 1.36, 2.54, [3]],
  ['Hg', 200.592, 1.32, 2.0, [1, 2]],
  ['Tl', 204.38, 1.45, 1.62, [1, 3]],
  ['Pb', 207.2, 1.46, 2.33, [2, 4]],
  ['Bi', 208.9804, 1.48, 2.02, [3]],
  ['Po', 208.98243, 1.4, 2.0, [-2, 2, 4]],
  ['At', 209.98715, 1.5, 2.2, [-1, 1]],
  ['Rn', 222.01758, 1.5, 2.2, [2]],
  ['Fr', 223.01974, 2.6, 0.7, [1]],
  ['Ra', 226.02541, 2.21, 0.9, [2]],
  ['Ac', 227.02775, 2.15, 1.1, [3]],
  ['Th', 232.0377, 2.06, 1.3, [4]],
  ['Pa', 231.03588, 2.0, 1.5, [5]],
  ['U', 238.02891, 1.96, 1.38, [6]],
  ['Np', 237.04817, 1.9, 1.36, [5]],
  ['Pu', 244.06421, 1.87, 1.28, [4]],
];

const TABLE: readonly ElementData[] = Object.freeze(
  ROWS.map(([symbol, atomicMass, covalentRadius, electronegativity, states], i) =>
    Object.freeze({
      symbol,
      z: i + 1,
      atomicMass,
      covalentRadius,
      electronegativity,
      commonOxidationStates: Object.freeze([...states]),
    }),
  ),
);
const BY_SYMBOL: ReadonlyMap<string, ElementData> = new Map(TABLE.map((e) => [e.symbol, e]));

export const Element = Object.freeze({
  /** Every element, ordered by Z (index = Z - 1). */
  all: TABLE,

  /** Data for an exact symbol ('Fe'); throws {@link UnknownElementError} otherwise. */
  bySymbol(symbol: string): ElementData {
    const e = BY_SYMBOL.get(symbol);
    if (!e) throw new UnknownElementError(symbol);
    return e;
  },

  /** Data for atomic number `z` (1..94); throws a RangeError naming z otherwise. */
  byZ(z: number): ElementData {
    const e = Number.isInteger(z) ? TABLE[z - 1] : undefined;
    if (!e)
      throw new RangeError(`atomic number ${z} is out of range: expected an integer 1..${TABLE.length}`);
    return e;
  },

  /** True when `symbol` is exactly an element symbol of the table ('Fe', not 'FE' or 'Fe2+'). */
  isElement(symbol: string): boolean {
    return BY_SYMBOL.has(symbol);
  },

  /**
   * The element named by a file-format label: 'Fe1', 'FE', 'Fe3+', 'Fe_sv', 'Fe_up' -> 'Fe';
   * 'O2-' -> 'O'; 'Co1' -> 'Co'. Reads the leading letters, fixes their case, and takes the longest
   * prefix (two letters, then one) that is an element. Throws {@link UnknownElementError}.
   */
  fromLabel(label: string): string {
    const letters = /^\s*([A-Za-z]+)/.exec(label)?.[1] ?? '';
    for (const n of [2, 1]) {
      if (letters.length < n) continue;
      const head = letters.slice(0, n);
      const sym = head[0]!.toUpperCase() + head.slice(1).toLowerCase();
      if (BY_SYMBOL.has(sym)) return sym;
    }
    throw new UnknownElementError(label);
  },
});
