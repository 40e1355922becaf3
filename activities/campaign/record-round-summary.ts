/**
 * `recordRoundSummary` (cpu): the round's numbers, stored in `rounds.summary` (and so visible in
 * `campaign_summary` and `candidate_review`), and returned to the workflow.
 *
 * DFT formation energies need elemental references at the DFT level of theory
 * (`elemental_references`, DESIGN.md). When they exist, each converged calculation gets its E_f
 * and e_above_hull (against the elements and the reference phases at that level) and
 * `dftConfirmedStable` counts those within the stability window; when they do not, it is null
 * and `dftStabilityNote` says why — never a guess.
 *
 * `mlipMaeEvPerAtom` is the MLIP's error on the new labels before retraining: mean |E_MLIP − E_DFT|
 * per atom over the converged calculations (same geometry: DFT runs on the relaxed structure).
 */
import { PDEntry, PhaseDiagram, formationEnergyPerAtom, parseFormula } from '../../crystal/hull/index.js';
import {
  setStage,
  campaignConfig,
  type CampaignActivityDependencies,
  type RoundRef,
} from './campaign-context.js';

export interface RoundSummary {
  readonly requested: number;
  readonly generated: number;
  readonly unique: number;
  readonly novel: number;
  readonly predictedStable: number;
  readonly dftRun: number;
  readonly dftConverged: number;
  readonly dftFailed: number;
  readonly dftConfirmedStable: number | null;
  readonly dftStabilityNote: string | null;
  /** dftConfirmedStable / dftRun, or null. */
  readonly hitRate: number | null;
  readonly mlipMaeEvPerAtom: number | null;
}

export interface RecordRoundSummaryInput extends RoundRef {
  /** Counts only the workflow knows (samples requested, novel), from the earlier stages. */
  readonly requested: number;
  readonly novel: number;
}

export function createRecordRoundSummary(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function recordRoundSummary(input: RecordRoundSummaryInput): Promise<RoundSummary> {
    const config = await campaignConfig(db, input.campaignId);
    await setStage(db, input.roundId, 'summary');
    const counts = (
      await db.query<{ generated: string; uniq: string; stable: string }>(
        `SELECT count(*) FILTER (WHERE s.origin = 'generated') AS generated,
                count(*) FILTER (WHERE s.origin = 'relaxed' AND s.duplicate_of_id IS NULL) AS uniq,
                count(*) FILTER (WHERE s.origin = 'relaxed' AND s.duplicate_of_id IS NULL AND p.e_above_hull_ev_per_atom <= $2) AS stable
           FROM structures s
           LEFT JOIN LATERAL (SELECT * FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) p ON true
          WHERE s.round_id = $1`,
        [input.roundId, config.stability.maxEAboveHullEvPerAtom],
      )
    ).rows[0]!;
    const dft = await db.query<{
      id: string;
      status: string;
      level_of_theory: string;
      energy_ev: number | null;
      energy_per_atom_ev: number | null;
      species: string[];
      mlip_energy_per_atom_ev: number | null;
    }>(
      `SELECT d.id::text AS id, d.status, d.level_of_theory, d.energy_ev, d.energy_per_atom_ev, s.species,
              (SELECT p.energy_per_atom_ev FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) AS mlip_energy_per_atom_ev
         FROM dft_calculations d JOIN structures s ON s.id = d.structure_id
        WHERE d.round_id = $1 ORDER BY d.id`,
      [input.roundId],
    );
    const converged = dft.rows.filter((d) => d.status === 'converged' && d.energy_ev !== null);
    const errors = converged
      .filter((d) => d.mlip_energy_per_atom_ev !== null)
      .map((d) => Math.abs(d.mlip_energy_per_atom_ev! - d.energy_per_atom_ev!));
    let confirmed: number | null = 0;
    let note: string | null = null;
    for (const d of converged) {
      const els = [...new Set(d.species)];
      const refs = await db.query<{ element: string; energy_per_atom_ev: number }>(
        'SELECT element, energy_per_atom_ev FROM elemental_references WHERE level_of_theory = $1 AND element = ANY($2)',
        [d.level_of_theory, els],
      );
      if (refs.rows.length < els.length) {
        confirmed = null;
        note = `no DFT elemental references for ${els.join(', ')} at level ${d.level_of_theory}; run them to confirm stability`;
        continue;
      }
      const mu = Object.fromEntries(refs.rows.map((r) => [r.element, r.energy_per_atom_ev]));
      const composition: Record<string, number> = {};
      for (const el of d.species) composition[el] = (composition[el] ?? 0) + 1;
      const ef = formationEnergyPerAtom(PDEntry.create(`dft:${d.id}`, composition, d.energy_ev!), mu);
      const known = await db.query<{ reduced_formula: string; formation_energy_per_atom_ev: number }>(
        `SELECT reduced_formula, formation_energy_per_atom_ev FROM reference_phases
          WHERE level_of_theory = $1 AND formation_energy_per_atom_ev IS NOT NULL AND chemical_system = ANY($2)`,
        [d.level_of_theory, els.sort()],
      );
      const pd = await PhaseDiagram.build([
        ...els.map((el) => PDEntry.fromEnergyPerAtom(`element:${el}`, { [el]: 1 }, 0)),
        ...known.rows.map((k, i) =>
          PDEntry.fromEnergyPerAtom(
            `ref:${i}`,
            parseFormula(k.reduced_formula),
            k.formation_energy_per_atom_ev,
          ),
        ),
      ]);
      const eHull = pd.eAboveHull(PDEntry.fromEnergyPerAtom(`dft:${d.id}`, composition, ef));
      await db.query(
        'UPDATE dft_calculations SET formation_energy_per_atom_ev = $2, e_above_hull_ev_per_atom = $3 WHERE id = $1',
        [d.id, ef, eHull],
      );
      if (confirmed !== null && eHull <= config.stability.maxEAboveHullEvPerAtom) confirmed += 1;
    }
    const summary: RoundSummary = {
      requested: input.requested,
      generated: Number(counts.generated),
      unique: Number(counts.uniq),
      novel: input.novel,
      predictedStable: Number(counts.stable),
      dftRun: dft.rows.length,
      dftConverged: converged.length,
      dftFailed: dft.rows.filter((d) => d.status === 'failed').length,
      dftConfirmedStable: confirmed,
      dftStabilityNote: note,
      hitRate: confirmed !== null && dft.rows.length > 0 ? confirmed / dft.rows.length : null,
      mlipMaeEvPerAtom: errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : null,
    };
    await db.query(
      `UPDATE rounds SET summary = $2, finished_at = coalesce(finished_at, now()) WHERE id = $1`,
      [input.roundId, JSON.stringify(summary)],
    );
    return summary;
  };
}
