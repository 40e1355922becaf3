/**
 * `recordRoundSummary` (cpu): the round's numbers, stored in `rounds.summary` (and so visible in
 * `campaign_summary` and `candidate_review`), and returned to the workflow.
 *
 * DFT stability (`dft-stability.ts`): each converged calculation gets its DFT formation energy
 * against the DFT elemental references at its level of theory (`dft-references.ts`, computed by
 * the campaign) and its e_above_hull against the hull of those references, every DFT label at that
 * level (any campaign) and the reference phases stored at that level; it is DFT confirmed stable
 * when e_above_hull ≤ `stability.dftConfirmedMaxEAboveHullEvPerAtom`. e_above_hull is as of this
 * summary: later labels can lower the hull, and later summaries do not rewrite earlier rounds.
 * When a reference is missing or failed, the calculations that need it keep null with the reason
 * (`stability_note`), `dftConfirmedStable` is null and `dftStabilityNote` says why — never a guess;
 * `dftConfirmedStableAmongAssessed` still counts the others.
 *
 * MLIP error on the new labels, before retraining (the round's model version): formation energies
 * per atom, each method against its own references (DFT: μ^DFT; MLIP: its energies on the same
 * DFT-relaxed reference geometries), the MLIP evaluated on the DFT geometry of each label (the
 * final structure of a relaxation, the input of an SCF); mean absolute error in meV/atom. Forces on
 * the same geometries, MAE over all 3N components in eV/Å.
 */
import type { Database } from '../../db/database.js';
import { structureFromRow } from '../../db/structure-row.js';
import type { Structure } from '../../crystal/structure.js';
import { MlipModel } from '../../models/potential/index.js';
import {
  setStage,
  campaignConfig,
  modelFile,
  roundRow,
  type CampaignActivityDependencies,
  type RoundRef,
} from './campaign-context.js';
import { campaignElements } from '../../contracts/campaign-config.js';
import { readDftReferences, type DftReferenceState } from './dft-references.js';
import {
  compositionOf,
  dftStability,
  forceMaeEvPerA,
  meanAbsoluteError,
  mlipFormationEnergyPerAtom,
  type DftStability,
} from '../../campaign/dft-stability.js';

/** Default of `stability.dftConfirmedMaxEAboveHullEvPerAtom` (configurations stored before it existed). */
const DEFAULT_CONFIRMED_MAX_E_ABOVE_HULL = 0.025;

export interface RoundSummary {
  readonly requested: number;
  readonly generated: number;
  readonly unique: number;
  readonly novel: number;
  /** Candidates left out of hull and DFT as duplicates of another campaign's structures. */
  readonly duplicatesOfOtherCampaigns: number;
  /** Which campaigns those duplicates belong to, or null. */
  readonly duplicatesNote: string | null;
  readonly predictedStable: number;
  /** Candidate DFT calculations of the round (elemental references are not counted). */
  readonly dftRun: number;
  readonly dftConverged: number;
  readonly dftFailed: number;
  /** Converged candidates with DFT e_above_hull ≤ the confirmed threshold; null when any could not be assessed. */
  readonly dftConfirmedStable: number | null;
  /** The same count over the candidates that could be assessed. */
  readonly dftConfirmedStableAmongAssessed: number;
  /** Converged candidates with a DFT formation energy and e_above_hull. */
  readonly dftStabilityAssessed: number;
  readonly dftConfirmedMaxEAboveHullEvPerAtom: number;
  /** Why some candidates could not be assessed (missing or failed elemental references), or null. */
  readonly dftStabilityNote: string | null;
  /** dftConfirmedStable / dftRun, or null. */
  readonly hitRate: number | null;
  /** DFT elemental references used, by level of theory: μ_el in eV/atom, or why there is none. */
  readonly dftReferences: Readonly<Record<string, Readonly<Record<string, number | string>>>>;
  /** Labels the MLIP error is measured on. */
  readonly mlipErrorLabels: number;
  /** MAE of the MLIP's formation energy per atom vs DFT's on the DFT geometries, meV/atom. */
  readonly mlipFormationEnergyMaeMevPerAtom: number | null;
  /** MAE of the MLIP's forces vs DFT's over all 3N components, eV/Å. */
  readonly mlipForceMaeEvPerA: number | null;
  readonly mlipErrorNote: string | null;
}

export interface RecordRoundSummaryInput extends RoundRef {
  /** Counts only the workflow knows (samples requested, novel), from the earlier stages. */
  readonly requested: number;
  readonly novel: number;
}

interface DftRow {
  id: string;
  status: string;
  level_of_theory: string;
  energy_ev: number | null;
  forces_ev_per_a: number[][] | null;
  species: string[];
  lattice_a: unknown;
  frac_coords: unknown;
}

/** Converged calculations, with the geometry their energy and forces belong to. */
const DFT_ROWS = `SELECT d.id::text AS id, d.status, d.level_of_theory, d.energy_ev, d.forces_ev_per_a,
                         g.species, g.lattice_a, g.frac_coords
                    FROM dft_calculations d JOIN structures g ON g.id = coalesce(d.final_structure_id, d.structure_id)`;

export function createRecordRoundSummary(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function recordRoundSummary(input: RecordRoundSummaryInput): Promise<RoundSummary> {
    const config = await campaignConfig(db, input.campaignId);
    const threshold =
      config.stability.dftConfirmedMaxEAboveHullEvPerAtom ?? DEFAULT_CONFIRMED_MAX_E_ABOVE_HULL;
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
    const others = await db.query<{ campaign_id: string; n: string }>(
      `SELECT o.campaign_id, count(*) AS n FROM structures s JOIN structures o ON o.id = s.duplicate_of_id
        WHERE s.round_id = $1 AND s.origin = 'relaxed' AND o.campaign_id IS NOT NULL AND o.campaign_id <> s.campaign_id
        GROUP BY o.campaign_id ORDER BY o.campaign_id`,
      [input.roundId],
    );
    const duplicatesOfOtherCampaigns = others.rows.reduce((sum, r) => sum + Number(r.n), 0);
    const byCampaign = others.rows.map((r) => `${r.campaign_id}: ${r.n}`).join(', ');
    const dft = await db.query<DftRow>(`${DFT_ROWS} WHERE d.round_id = $1 ORDER BY d.id`, [input.roundId]);
    const converged = dft.rows.filter((d) => d.status === 'converged' && d.energy_ev !== null);

    // DFT formation energies and e_above_hull, per level of theory.
    const stability = new Map<string, DftStability>();
    const refsByLevel = new Map<string, DftReferenceState>();
    const notes = new Set<string>();
    for (const level of [...new Set(converged.map((d) => d.level_of_theory))]) {
      const rows = converged.filter((d) => d.level_of_theory === level);
      const elements = [...new Set([...campaignElements(config), ...rows.flatMap((d) => d.species)])].sort();
      const refs = await readDftReferences(db, level, elements);
      refsByLevel.set(level, refs);
      const labelled = (
        await db.query<DftRow>(
          `${DFT_ROWS} WHERE d.level_of_theory = $1 AND d.status = 'converged' AND d.energy_ev IS NOT NULL`,
          [level],
        )
      ).rows;
      const known = await db.query<{ id: string; species: string[]; formation_energy_per_atom_ev: number }>(
        `SELECT rp.id::text AS id, s.species, rp.formation_energy_per_atom_ev FROM reference_phases rp
           JOIN structures s ON s.id = rp.structure_id
          WHERE rp.level_of_theory = $1 AND rp.formation_energy_per_atom_ev IS NOT NULL`,
        [level],
      );
      const entry = (d: DftRow) => ({
        id: d.id,
        composition: compositionOf(d.species),
        energyEv: d.energy_ev!,
      });
      const referenceIds = new Set(Object.values(refs.calculationIds));
      const referenceRows = labelled.filter((d) => referenceIds.has(d.id));
      const result = await dftStability(
        [...rows, ...referenceRows].map(entry),
        labelled.map(entry),
        known.rows.map((k) => ({
          id: `reference-phase:${k.id}`,
          composition: compositionOf(k.species),
          formationEnergyPerAtomEv: k.formation_energy_per_atom_ev,
        })),
        refs.muEvPerAtom,
      );
      for (const d of [...rows, ...referenceRows]) {
        const st = result.get(d.id);
        const isCandidate = rows.includes(d);
        if (st) {
          if (isCandidate) stability.set(d.id, st);
          await db.query(
            `UPDATE dft_calculations SET formation_energy_per_atom_ev = $2, e_above_hull_ev_per_atom = $3,
                    dft_confirmed_stable = $4, stability_note = NULL WHERE id = $1`,
            [
              d.id,
              st.formationEnergyPerAtomEv,
              st.eAboveHullEvPerAtom,
              isCandidate ? st.eAboveHullEvPerAtom <= threshold : null,
            ],
          );
        } else {
          const why = [...new Set(d.species)]
            .filter((el) => refs.missing[el] !== undefined)
            .map((el) => `${el} (${refs.missing[el]})`)
            .join(', ');
          const note = `no DFT elemental reference at ${level} for ${why || 'an element'}`;
          notes.add(note);
          await db.query(
            `UPDATE dft_calculations SET formation_energy_per_atom_ev = NULL, e_above_hull_ev_per_atom = NULL,
                    dft_confirmed_stable = NULL, stability_note = $2 WHERE id = $1`,
            [d.id, note],
          );
        }
      }
    }
    const assessed = converged.filter((d) => stability.has(d.id));
    const confirmedAmongAssessed = assessed.filter(
      (d) => stability.get(d.id)!.eAboveHullEvPerAtom <= threshold,
    ).length;
    const allAssessed = assessed.length === converged.length;
    const confirmed = allAssessed ? confirmedAmongAssessed : null;

    const mlip = await mlipErrors(db, input.roundId, converged, stability, refsByLevel);

    const summary: RoundSummary = {
      requested: input.requested,
      generated: Number(counts.generated),
      unique: Number(counts.uniq),
      novel: input.novel,
      duplicatesOfOtherCampaigns,
      duplicatesNote: duplicatesOfOtherCampaigns
        ? `${duplicatesOfOtherCampaigns} candidate(s) are structures another campaign found first (${byCampaign}); ` +
          "they are left out of this campaign's hull and DFT selection. Campaigns of one configuration " +
          'started together generate the same cells: give each its own generator.seed'
        : null,
      predictedStable: Number(counts.stable),
      dftRun: dft.rows.length,
      dftConverged: converged.length,
      dftFailed: dft.rows.filter((d) => d.status === 'failed').length,
      dftConfirmedStable: confirmed,
      dftConfirmedStableAmongAssessed: confirmedAmongAssessed,
      dftStabilityAssessed: assessed.length,
      dftConfirmedMaxEAboveHullEvPerAtom: threshold,
      dftStabilityNote: notes.size ? [...notes].join('; ') : null,
      hitRate: confirmed !== null && dft.rows.length > 0 ? confirmed / dft.rows.length : null,
      dftReferences: Object.fromEntries(
        [...refsByLevel].map(([level, r]) => [level, { ...r.muEvPerAtom, ...r.missing }]),
      ),
      ...mlip,
    };
    await db.query(
      `UPDATE rounds SET summary = $2, finished_at = coalesce(finished_at, now()) WHERE id = $1`,
      [input.roundId, JSON.stringify(summary)],
    );
    return summary;
  };
}

type MlipErrors = Pick<
  RoundSummary,
  'mlipErrorLabels' | 'mlipFormationEnergyMaeMevPerAtom' | 'mlipForceMaeEvPerA' | 'mlipErrorNote'
>;

/** The round's MLIP on the DFT geometries of its labels and of their elemental references. */
async function mlipErrors(
  db: Database,
  roundId: string,
  converged: readonly DftRow[],
  stability: ReadonlyMap<string, DftStability>,
  refsByLevel: ReadonlyMap<string, DftReferenceState>,
): Promise<MlipErrors> {
  const none = (note: string | null): MlipErrors => ({
    mlipErrorLabels: 0,
    mlipFormationEnergyMaeMevPerAtom: null,
    mlipForceMaeEvPerA: null,
    mlipErrorNote: note,
  });
  if (converged.length === 0) return none(null);
  const { mlipVersionId } = await roundRow(db, roundId);
  const model = await MlipModel.load(await modelFile(db, mlipVersionId));
  try {
    const refGeometries: { level: string; element: string; structure: Structure }[] = [];
    for (const [level, refs] of refsByLevel)
      for (const [element, structure] of Object.entries(refs.geometries))
        refGeometries.push({ level, element, structure });
    let predictions;
    try {
      predictions = await model.predict([
        ...converged.map(structureFromRow),
        ...refGeometries.map((r) => r.structure),
      ]);
    } catch (err) {
      return none(`the MLIP could not evaluate the DFT geometries: ${(err as Error).message}`);
    }
    const muMlip = new Map<string, Record<string, number>>();
    for (const [i, r] of refGeometries.entries()) {
      const mu = muMlip.get(r.level) ?? {};
      mu[r.element] = predictions[converged.length + i]!.energyPerAtomEv;
      muMlip.set(r.level, mu);
    }
    const energyPairs: [number, number][] = [];
    const forcePairs: [number, number][] = [];
    for (const [i, d] of converged.entries()) {
      const p = predictions[i]!;
      const dftEf = stability.get(d.id)?.formationEnergyPerAtomEv;
      const mlipEf = mlipFormationEnergyPerAtom(
        compositionOf(d.species),
        p.energyEv,
        muMlip.get(d.level_of_theory) ?? {},
      );
      if (dftEf !== undefined && mlipEf !== null) energyPairs.push([mlipEf, dftEf]);
      const forceMae = d.forces_ev_per_a ? forceMaeEvPerA(p.forcesEvPerA, d.forces_ev_per_a) : null;
      if (forceMae !== null)
        p.forcesEvPerA.forEach((f, a) => {
          for (let k = 0; k < 3; k++) forcePairs.push([f[k]!, d.forces_ev_per_a![a]![k]!]);
        });
      await db.query(
        `UPDATE dft_calculations SET mlip_model_version_id = $2, mlip_energy_ev = $3,
                mlip_formation_energy_per_atom_ev = $4, mlip_force_mae_ev_per_a = $5 WHERE id = $1`,
        [d.id, mlipVersionId, p.energyEv, dftEf !== undefined ? mlipEf : null, forceMae],
      );
    }
    const efMae = meanAbsoluteError(energyPairs);
    return {
      mlipErrorLabels: converged.length,
      mlipFormationEnergyMaeMevPerAtom: efMae === null ? null : 1000 * efMae,
      mlipForceMaeEvPerA: meanAbsoluteError(forcePairs),
      mlipErrorNote:
        energyPairs.length < converged.length
          ? `formation-energy error over ${energyPairs.length} of ${converged.length} labels (the others lack a DFT elemental reference)`
          : null,
    };
  } finally {
    await model.dispose();
  }
}
