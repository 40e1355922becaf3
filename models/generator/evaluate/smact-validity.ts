/**
 * Compositional validity as CDVAE and DiffCSP score it (`smact_validity` in CDVAE's
 * `scripts/eval_utils.py`, built on SMACT: Davies et al., J. Open Source Softw. 4, 1361 (2019),
 * doi:10.21105/joss.01361):
 *
 * 1. a single element is valid; so is a composition made only of metals (SMACT's `metals` list,
 *    CDVAE's `include_alloys=True`);
 * 2. otherwise some assignment of one oxidation state per element must make the reduced
 *    composition charge neutral (SMACT `neutral_ratios` with the counts fixed) and pass the
 *    Pauling test: no cation at least as electronegative as an anion (SMACT `eneg_states_test`;
 *    an element without an electronegativity passes, as SMACT's TypeError branch does).
 *
 * Difference: the oxidation states are our `Element.commonOxidationStates` (pymatgen's common
 * states), not SMACT's larger default list, so a few exotic compositions that SMACT accepts
 * through rare states are invalid here. The published numbers were computed with SMACT's list.
 */
import { Element } from '../../../crystal/elements.js';

/** SMACT's `smact.metals` (SMACT 2.x, `smact/__init__.py`). */
const SMACT_METALS: ReadonlySet<string> = new Set(
  (
    'Li Be Na Mg Al K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb ' +
    'Cs Ba La Ce Pr Nd Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po Fr Ra Ac Th Pa ' +
    'U Np Pu Am Cm Bk Cf Es Fm Md No'
  ).split(' '),
);

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * True when the composition (element -> integer count, any multiple) is compositionally valid in
 * the CDVAE/SMACT sense (see the module doc).
 *
 * ```ts
 * smactValid(new Map([['Li', 4], ['Si', 2], ['O', 6]])); // true  (Li+ Si4+ O2-)
 * smactValid(new Map([['Na', 1], ['O', 1]]));            // false (no neutral assignment)
 * ```
 */
export function smactValid(counts: ReadonlyMap<string, number>): boolean {
  const elements = [...counts.keys()];
  if (elements.length === 1) return true;
  if (elements.every((el) => SMACT_METALS.has(el))) return true;
  let g = 0;
  for (const n of counts.values()) g = gcd(g, Math.round(n));
  const stoich = elements.map((el) => Math.round(counts.get(el)!) / (g || 1));
  const data = elements.map((el) => Element.bySymbol(el));
  const states = data.map((d) => d.commonOxidationStates);
  if (states.some((s) => s.length === 0)) return false; // a noble gas with no states cannot balance
  const enegs = data.map((d) => d.electronegativity);
  const chosen = new Array<number>(elements.length).fill(0);
  const search = (i: number, charge: number): boolean => {
    if (i === elements.length) return charge === 0 && paulingOk(chosen, enegs);
    for (const ox of states[i]!) {
      chosen[i] = ox;
      if (search(i + 1, charge + ox * stoich[i]!)) return true;
    }
    return false;
  };
  return search(0, 0);
}

/**
 * SMACT `eneg_states_test`: every cation is less electronegative than every anion. As in SMACT,
 * a missing electronegativity is only looked at for a cation-anion pair, and then accepts the
 * whole assignment (SMACT's TypeError branch).
 */
function paulingOk(ox: readonly number[], eneg: readonly (number | null)[]): boolean {
  for (let i = 0; i < ox.length; i++) {
    for (let j = i + 1; j < ox.length; j++) {
      const opposite = (ox[i]! > 0 && ox[j]! < 0) || (ox[i]! < 0 && ox[j]! > 0);
      if (!opposite) continue;
      const [ei, ej] = [eneg[i], eneg[j]];
      if (ei == null || ej == null) return true;
      if (ox[i]! > 0 ? ei >= ej : ei <= ej) return false;
    }
  }
  return true;
}
