/**
 * GGA+U as the Materials Project applies it, so DFT labels can sit on the same footing as the
 * universal MLIP's training data (MPtrj is GGA/GGA+U): U on the d shell of V, Cr, Mn, Fe, Co, Ni,
 * Mo and W, only when the most electronegative element of the structure is O or F (pymatgen's
 * `DictSet` picks the LDAUU table by the most electronegative element; MPRelaxSet.yaml has tables
 * for O and F only, with the same values). Dudarev's simplified rotationally invariant form
 * (U_eff = U − J, J = 0): VASP LDAUTYPE 2, QE `lda_plus_u_kind = 0`.
 *
 * Values, eV: pymatgen `src/pymatgen/io/vasp/MPRelaxSet.yaml`, LDAUU; fitted by Jain et al.,
 * Phys. Rev. B 84, 045115 (2011) to oxide formation enthalpies with VASP PAW projectors. In QE they
 * act on ortho-atomic projectors of the pseudopotential's wavefunctions, which are not VASP's: the
 * same U is the same recipe, not the same number of electrons in the d shell, so QE and VASP
 * GGA+U energies are comparable in trend, not to the meV.
 *
 * ```ts
 * hubbardUFor(['Fe', 'O']);   // Map { 'Fe' => 5.3 }
 * hubbardUFor(['Fe', 'S']);   // null: S is the most electronegative element
 * hubbardUFor(['Fe', 'Al']);  // null
 * ```
 */
import { Element } from '../crystal/elements.js';

/** MP's U values for oxides and fluorides, eV, on the d shell. */
export const MP_HUBBARD_U_EV: Readonly<Record<string, number>> = Object.freeze({
  Co: 3.32,
  Cr: 3.7,
  Fe: 5.3,
  Mn: 3.9,
  Mo: 4.38,
  Ni: 6.2,
  V: 3.25,
  W: 6.2,
});

/** Anions whose compounds get U (the most electronegative element must be one of them). */
export const HUBBARD_ANIONS: ReadonlySet<string> = new Set(['O', 'F']);

/** `'mp2020'`: the MP rule above; `'off'`: plain GGA. */
export type HubbardScheme = 'off' | 'mp2020';

/**
 * U per element (eV) for a structure with these elements under the MP rule, or null when no
 * element gets U (plain GGA).
 */
export function hubbardUFor(elements: Iterable<string>): ReadonlyMap<string, number> | null {
  const present = [...new Set(elements)];
  const withX = present.filter((el) => Element.bySymbol(el).electronegativity !== null);
  if (withX.length === 0) return null;
  const mostElectronegative = withX.reduce((a, b) =>
    Element.bySymbol(b).electronegativity! > Element.bySymbol(a).electronegativity! ? b : a,
  );
  if (!HUBBARD_ANIONS.has(mostElectronegative)) return null;
  const u = new Map(
    present.filter((el) => MP_HUBBARD_U_EV[el] !== undefined).map((el) => [el, MP_HUBBARD_U_EV[el]!]),
  );
  return u.size > 0 ? u : null;
}
