/**
 * Convex hull of a chemical system from what the database holds (`hull_entries`: reference phases
 * and converged DFT results), within one level of theory. Entries carry formation energies
 * (eV/atom), so each element enters as a terminal entry at 0 eV/atom.
 */
import { parseFormula, PDEntry, PhaseDiagram } from '../crystal/hull/index.js';
import type { Database } from './database.js';

/** A row of the `hull_entries` view (db/migrations/002, 004): reference phases and converged DFT labels. */
export interface HullEntriesRow {
  readonly kind: 'reference' | 'dft';
  /** '<source>:<external id>' or 'dft:<calculation id>'. */
  readonly entry_id: string;
  readonly structure_id: string | null;
  readonly reduced_formula: string;
  readonly chemical_system: string;
  readonly level_of_theory: string;
  readonly formation_energy_per_atom_ev: number | null;
  readonly e_above_hull_ev_per_atom: number | null;
  readonly reference_element: string | null;
  readonly dft_confirmed_stable: boolean | null;
}

export interface HullRow {
  readonly entry_id: string;
  readonly kind: 'reference' | 'dft';
  readonly reduced_formula: string;
  readonly chemical_system: string;
  readonly formation_energy_per_atom_ev: number;
  readonly e_above_hull_ev_per_atom: number;
  /** For unstable entries: the stable phases it decomposes into, with atom fractions. */
  readonly decomposition: { entry_id: string; reduced_formula: string; fraction: number }[];
}

export interface HullReport {
  readonly system: string;
  readonly level_of_theory: string;
  readonly entries: HullRow[];
}

/** All sub-systems of 'A-B-C': A, B, C, A-B, A-C, B-C, A-B-C (elements sorted). */
export function subsystems(system: string): string[] {
  const elements = system
    .split('-')
    .map((e) => e.trim())
    .filter(Boolean)
    .sort();
  if (elements.length === 0)
    throw new Error(`--system: '${system}' names no elements; write it like Li-O-Si`);
  const out: string[] = [];
  for (let mask = 1; mask < 1 << elements.length; mask++)
    out.push(elements.filter((_, i) => mask & (1 << i)).join('-'));
  return out;
}

export async function hullOfSystem(
  db: Database,
  system: string,
  levelOfTheory?: string,
): Promise<HullReport> {
  const systems = subsystems(system);
  const rows = await db.query<
    Pick<HullEntriesRow, 'kind' | 'entry_id' | 'reduced_formula' | 'chemical_system' | 'level_of_theory'> & {
      formation_energy_per_atom_ev: number;
    }
  >(
    `SELECT kind, entry_id, reduced_formula, chemical_system, level_of_theory, formation_energy_per_atom_ev
       FROM hull_entries
      WHERE chemical_system = ANY($1) AND formation_energy_per_atom_ev IS NOT NULL AND ($2::text IS NULL OR level_of_theory = $2)`,
    [systems, levelOfTheory ?? null],
  );
  const levels = [...new Set(rows.rows.map((r) => r.level_of_theory))];
  if (levels.length > 1) {
    throw new Error(
      `--level-of-theory: ${system} has entries at several levels of theory (${levels.join(', ')}); choose one`,
    );
  }
  const level = levelOfTheory ?? levels[0] ?? 'none';
  const elements = system
    .split('-')
    .map((e) => e.trim())
    .sort();
  const terminals = elements.map((el) => PDEntry.fromEnergyPerAtom(`element:${el}`, { [el]: 1 }, 0));
  const byId = new Map(rows.rows.map((r) => [r.entry_id, r]));
  const entries = rows.rows.map((r) =>
    PDEntry.fromEnergyPerAtom(r.entry_id, parseFormula(r.reduced_formula), r.formation_energy_per_atom_ev),
  );
  const pd = await PhaseDiagram.build([...terminals, ...entries]);
  const report = entries.map((entry): HullRow => {
    const row = byId.get(entry.id)!;
    const eAbove = pd.eAboveHull(entry);
    return {
      entry_id: entry.id,
      kind: row.kind,
      reduced_formula: row.reduced_formula,
      chemical_system: row.chemical_system,
      formation_energy_per_atom_ev: row.formation_energy_per_atom_ev,
      e_above_hull_ev_per_atom: eAbove,
      decomposition:
        eAbove > 0
          ? pd.decomposition(entry.composition).map((d) => ({
              entry_id: d.entry.id,
              reduced_formula: byId.get(d.entry.id)?.reduced_formula ?? d.entry.id.replace('element:', ''),
              fraction: d.fraction,
            }))
          : [],
    };
  });
  report.sort(
    (a, b) =>
      a.e_above_hull_ev_per_atom - b.e_above_hull_ev_per_atom ||
      a.reduced_formula.localeCompare(b.reduced_formula),
  );
  return { system: elements.join('-'), level_of_theory: level, entries: report };
}
