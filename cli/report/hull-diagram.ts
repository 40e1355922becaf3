/**
 * The convex-hull diagrams of a report: formation energy (eV/atom) over composition for a binary
 * system, or the stable phases and their tie lines on a composition triangle for a ternary one.
 *
 * Energies compare only within one level of theory (DESIGN.md), so each level is its own series
 * with its own hull: one per MLIP version that scored candidates (`mlip:<id>`, the candidates'
 * predicted formation energies) and one per level in `hull_entries` (reference phases and
 * converged DFT results). Each hull is built with `PhaseDiagram` over the elements at 0 eV/atom
 * and every point of its series, so a candidate below the known hull shows as a new vertex.
 *
 * Ternary tie lines: stable phases i and j are joined when the hull at their midpoint decomposes
 * into exactly i and j.
 */
import { CompositionMap, parseFormula, PDEntry, PhaseDiagram } from '../../crystal/hull/index.js';
import type { ReportData } from './report-data.js';

export interface HullPoint {
  /** Structure id (candidates) or hull entry id. */
  readonly id: string;
  readonly formula: string;
  /** Atom fractions of the diagram's elements, in their order. */
  readonly fractions: readonly number[];
  readonly formation_energy_per_atom_ev: number;
  /** Above this series' hull (candidates included), eV/atom. */
  readonly e_above_hull_ev_per_atom: number;
  /** The candidate's structure id, for linking to the table; null for other entries. */
  readonly structure_id: string | null;
}

export interface HullSeries {
  /** Legend text, e.g. 'MLIP mlearn-committee v1' or 'DFT qe:test:…'. */
  readonly name: string;
  readonly level_of_theory: string;
  readonly points: readonly HullPoint[];
  /** Binary: hull vertices by composition. Ternary: tie lines as vertex pairs. */
  readonly hull: readonly HullPoint[];
  readonly tie_lines: readonly (readonly [HullPoint, HullPoint])[];
}

export interface HullDiagram {
  readonly system: string;
  readonly elements: readonly string[];
  /** 'binary' | 'ternary' draw a plot; 'none' gives the reason in `note`. */
  readonly kind: 'binary' | 'ternary' | 'none';
  readonly series: readonly HullSeries[];
  readonly note: string | null;
}

interface RawPoint {
  readonly id: string;
  readonly formula: string;
  readonly composition: CompositionMap;
  readonly ef: number;
  readonly structureId: string | null;
}

/** Tie lines are searched among at most this many stable phases (pairs grow quadratically). */
const MAX_TERNARY_VERTICES = 40;

export async function hullDiagrams(data: ReportData): Promise<HullDiagram[]> {
  const models = new Map(data.rounds.map((r) => [r.mlip_version_id, r.mlip_model]));
  return Promise.all(
    data.systems.map(async (system): Promise<HullDiagram> => {
      const elements = system.split('-');
      if (elements.length < 2 || elements.length > 3)
        return {
          system,
          elements,
          kind: 'none',
          series: [],
          note:
            elements.length < 2
              ? `${system} has one element: there is no hull to draw (see the candidate table for energies)`
              : `hull diagrams are drawn for 2- and 3-element systems; ${system} has ${elements.length}`,
        };
      const inSystem = (composition: CompositionMap) =>
        Object.keys(composition).every((el) => elements.includes(el));
      const levels = new Map<string, { name: string; points: RawPoint[] }>();
      const add = (level: string, name: string, p: RawPoint) => {
        if (!inSystem(p.composition) || !Number.isFinite(p.ef)) return;
        const held = levels.get(level) ?? { name, points: [] };
        held.points.push(p);
        levels.set(level, held);
      };
      for (const c of data.candidates) {
        if (c.mlip_formation_energy_per_atom_ev === null || c.duplicate_of_id !== null) continue;
        const level = `mlip:${c.mlip_version_id ?? '?'}`;
        add(level, `MLIP ${models.get(c.mlip_version_id) ?? level}`, {
          id: c.structure_id,
          formula: c.reduced_formula,
          composition: parseFormula(c.reduced_formula),
          ef: c.mlip_formation_energy_per_atom_ev,
          structureId: c.structure_id,
        });
      }
      const candidateIds = new Set(data.candidates.map((c) => c.structure_id));
      for (const h of data.hull_entries)
        add(h.level_of_theory, `${h.kind === 'dft' ? 'DFT' : 'reference'} ${h.level_of_theory}`, {
          id: h.entry_id,
          formula: h.reduced_formula,
          composition: parseFormula(h.reduced_formula),
          ef: h.formation_energy_per_atom_ev,
          structureId: h.structure_id !== null && candidateIds.has(h.structure_id) ? h.structure_id : null,
        });
      const series: HullSeries[] = [];
      for (const [level, { name, points }] of levels)
        series.push(await seriesOf(level, name, elements, points));
      return {
        system,
        elements,
        kind: elements.length === 2 ? 'binary' : 'ternary',
        series,
        note: series.length ? null : `no formation energies stored for ${system} yet`,
      };
    }),
  );
}

async function seriesOf(
  level: string,
  name: string,
  elements: readonly string[],
  raw: readonly RawPoint[],
): Promise<HullSeries> {
  const terminals = elements.map((el) => PDEntry.fromEnergyPerAtom(`element:${el}`, { [el]: 1 }, 0));
  const entries = raw.map((p) => PDEntry.fromEnergyPerAtom(p.id, p.composition, p.ef));
  const pd = await PhaseDiagram.build([...terminals, ...entries]);
  const fractionsOf = (c: CompositionMap) => {
    const f = CompositionMap.fractional(c);
    return elements.map((el) => f[el] ?? 0);
  };
  const point = (entry: PDEntry, p: RawPoint | undefined): HullPoint => ({
    id: entry.id,
    formula: p?.formula ?? entry.id.replace('element:', ''),
    fractions: fractionsOf(entry.composition),
    formation_energy_per_atom_ev: p?.ef ?? 0,
    e_above_hull_ev_per_atom: pd.eAboveHull(entry),
    structure_id: p?.structureId ?? null,
  });
  const points = entries.map((e, i) => point(e, raw[i]));
  // One vertex per composition: the lowest stable entry (terminals win ties at the corners).
  const vertices = new Map<string, HullPoint>();
  const all = [...terminals.map((t) => point(t, undefined)), ...points];
  for (const p of all) {
    if (p.e_above_hull_ev_per_atom > 1e-9) continue;
    const key = p.fractions.map((x) => x.toFixed(6)).join(',');
    const held = vertices.get(key);
    if (!held || p.formation_energy_per_atom_ev < held.formation_energy_per_atom_ev) vertices.set(key, p);
  }
  const hull = [...vertices.values()].sort((a, b) => a.fractions[1]! - b.fractions[1]!);
  const tieLines: [HullPoint, HullPoint][] = [];
  if (elements.length === 3) {
    const v = hull.slice(0, MAX_TERNARY_VERTICES);
    const key = (fr: readonly number[]) => fr.map((x) => x.toFixed(4)).join(',');
    for (let i = 0; i < v.length; i++)
      for (let j = i + 1; j < v.length; j++) {
        const mid: Record<string, number> = {};
        elements.forEach((el, k) => {
          const x = (v[i]!.fractions[k]! + v[j]!.fractions[k]!) / 2;
          if (x > 0) mid[el] = x;
        });
        const products = pd.decomposition(mid).map((d) => key(fractionsOf(d.entry.composition)));
        if (
          products.length === 2 &&
          products.includes(key(v[i]!.fractions)) &&
          products.includes(key(v[j]!.fractions))
        )
          tieLines.push([v[i]!, v[j]!]);
      }
  }
  return { name, level_of_theory: level, points, hull, tie_lines: tieLines };
}
