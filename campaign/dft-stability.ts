/**
 * The DFT side of a round summary, as pure functions over numbers (the activity reads and writes
 * the database; `test/campaign/dft-stability.test.ts` checks these on hand numbers).
 *
 * Stability: E_f = (E − Σ n_el μ_el) / N with μ the DFT elemental references at the same level of
 * theory; e_above_hull against the hull of the elements (at 0), every DFT-labelled structure at
 * that level and the reference phases stored at that level. The candidate itself is on that
 * hull's input, so e_above_hull ≥ 0 and a structure that defines the hull gets 0
 * (pymatgen's convention; Ong et al., Chem. Mater. 20, 1798 (2008), doi:10.1021/cm702327g).
 *
 * MLIP error: the committee was trained on another code's total energies (VASP, PAW) and QE's
 * total energies (other pseudopotentials) differ from them by a large per-element constant, so
 * total energies are not comparable. Formation energies are: the MLIP's
 * E_f^MLIP = (E^MLIP − Σ n_el μ_el^MLIP) / N, with E^MLIP the committee's energy on the DFT
 * geometry of the label and μ_el^MLIP its energy per atom on the DFT-relaxed geometry of the
 * element's reference, against the same E_f^DFT. Per-element constant offsets cancel exactly; what
 * is left is the error on energy differences, the quantity a hull needs. Forces are compared
 * directly (no offset) on the same geometry.
 */
import { PDEntry, PhaseDiagram, formationEnergyPerAtom } from '../crystal/hull/index.js';

/** A structure's composition (element -> atoms) and a total energy of that composition, eV. */
export interface EnergyEntry {
  readonly id: string;
  readonly composition: Readonly<Record<string, number>>;
  readonly energyEv: number;
}

/** A phase with only its formation energy known (e.g. a stored reference phase), eV/atom. */
export interface FormationEntry {
  readonly id: string;
  readonly composition: Readonly<Record<string, number>>;
  readonly formationEnergyPerAtomEv: number;
}

export interface DftStability {
  readonly formationEnergyPerAtomEv: number;
  readonly eAboveHullEvPerAtom: number;
}

/** Composition of a list of species: ['Si', 'Si', 'Ge'] -> { Si: 2, Ge: 1 }. */
export function compositionOf(species: readonly string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const el of species) c[el] = (c[el] ?? 0) + 1;
  return c;
}

/** Whether μ is known for every element of `composition`. */
export const hasReferences = (
  composition: Readonly<Record<string, number>>,
  mu: Readonly<Record<string, number>>,
) => Object.keys(composition).every((el) => mu[el] !== undefined);

/**
 * E_f and e_above_hull (eV/atom) of each of `targets` against the hull of `labelled` (total
 * energies at one level of theory; should include the targets) and `knownPhases` (formation
 * energies at the same level), with the elements of `mu` at 0. Entries with an element lacking μ
 * are left out of the hull; targets with one are left out of the result.
 */
export async function dftStability(
  targets: readonly EnergyEntry[],
  labelled: readonly EnergyEntry[],
  knownPhases: readonly FormationEntry[],
  mu: Readonly<Record<string, number>>,
): Promise<Map<string, DftStability>> {
  const out = new Map<string, DftStability>();
  const ef = (e: EnergyEntry) =>
    formationEnergyPerAtom(PDEntry.create(e.id, { ...e.composition }, e.energyEv), mu);
  const usable = (c: Readonly<Record<string, number>>) => hasReferences(c, mu);
  const labelledEntries = new Map(
    labelled
      .filter((e) => usable(e.composition))
      .map((e) => [e.id, PDEntry.fromEnergyPerAtom(e.id, { ...e.composition }, ef(e))] as const),
  );
  const entries = [
    ...Object.keys(mu).map((el) => PDEntry.fromEnergyPerAtom(`element:${el}`, { [el]: 1 }, 0)),
    ...labelledEntries.values(),
    ...knownPhases
      .filter((k) => usable(k.composition))
      .map((k) => PDEntry.fromEnergyPerAtom(k.id, { ...k.composition }, k.formationEnergyPerAtomEv)),
  ];
  const todo = targets.filter((t) => usable(t.composition));
  if (todo.length === 0) return out;
  const pd = await PhaseDiagram.build(entries);
  for (const t of todo) {
    const f = ef(t);
    const entry = labelledEntries.get(t.id) ?? PDEntry.fromEnergyPerAtom(t.id, { ...t.composition }, f);
    out.set(t.id, { formationEnergyPerAtomEv: f, eAboveHullEvPerAtom: pd.eAboveHull(entry) });
  }
  return out;
}

/**
 * The MLIP's formation energy per atom (eV/atom) of a structure from its energy on the DFT
 * geometry and μ^MLIP (energies per atom on the DFT reference geometries). Null when an element
 * lacks μ^MLIP.
 */
export function mlipFormationEnergyPerAtom(
  composition: Readonly<Record<string, number>>,
  mlipEnergyEv: number,
  muMlip: Readonly<Record<string, number>>,
): number | null {
  if (!hasReferences(composition, muMlip)) return null;
  return formationEnergyPerAtom(PDEntry.create('mlip', { ...composition }, mlipEnergyEv), muMlip);
}

/** Mean absolute difference, or null for no pairs. */
export function meanAbsoluteError(pairs: readonly (readonly [number, number])[]): number | null {
  if (pairs.length === 0) return null;
  return pairs.reduce((sum, [a, b]) => sum + Math.abs(a - b), 0) / pairs.length;
}

/** Force MAE over all Cartesian components (3N), eV/Å; null when the shapes differ or are empty. */
export function forceMaeEvPerA(
  mlip: readonly (readonly number[])[],
  dft: readonly (readonly number[])[],
): number | null {
  if (mlip.length === 0 || mlip.length !== dft.length) return null;
  const pairs: [number, number][] = [];
  for (const [i, f] of mlip.entries())
    for (let k = 0; k < 3; k++) pairs.push([f[k]!, dft[i]![k]!] as [number, number]);
  return meanAbsoluteError(pairs);
}
