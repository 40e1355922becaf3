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
import { setDftStability, setDftStabilityUnknown, setMlipOnDftGeometry } from '../../db/dft-calculations.js';
import { mp2020Correction } from '../../campaign/mp2020-corrections.js';
import { compoundReferencePhaseCount, referencePhaseFormationEnergiesAt } from '../../db/reference-phases.js';
import { subsystems } from '../../db/hull-entries.js';
import {
  convergedDftLabelsAt,
  roundCandidateCounts,
  roundDftLabels,
  roundDuplicatesOfOtherCampaigns,
  type DftLabelRow,
} from '../../db/round-summary-reads.js';
import { finishRound } from '../../db/rounds.js';
import { structureFromRow } from '../../db/structure-row.js';
import type { Structure } from '../../crystal/structure.js';
import { MlipModel } from '../../models/mlip/index.js';
import {
  setStage,
  campaignConfig,
  modelFile,
  roundRow,
  type CampaignActivityDependencies,
  type RoundRef,
} from './campaign-context.js';
import { campaignElements, campaignSystems } from '../../contracts/campaign-config.js';
import { campaignDftLevel, readDftReferences, type DftReferenceState } from './dft-references.js';
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
  /**
   * Says when `predictedStable` is measured against the elements alone (no known compound of the
   * campaign's systems imported), so it means "below the elements", not "below the known phases";
   * null otherwise.
   */
  readonly predictedStableNote: string | null;
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
  /**
   * What the level of theory means for these decisions: on the 'test' profile (k-points and
   * smearing tens of meV/atom from converged) every confirmation is provisional; null otherwise.
   */
  readonly dftLevelNote: string | null;
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

export function createRecordRoundSummary(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function recordRoundSummary(input: RecordRoundSummaryInput): Promise<RoundSummary> {
    const config = await campaignConfig(db, input.campaignId);
    const threshold =
      config.stability.dftConfirmedMaxEAboveHullEvPerAtom ?? DEFAULT_CONFIRMED_MAX_E_ABOVE_HULL;
    await setStage(db, input.roundId, 'summary');
    const counts = await roundCandidateCounts(db, input.roundId, config.stability.maxEAboveHullEvPerAtom);
    const systems = campaignSystems(config);
    const knownCompounds = await compoundReferencePhaseCount(db, [
      ...new Set(systems.flatMap((s) => subsystems(s))),
    ]);
    const others = await roundDuplicatesOfOtherCampaigns(db, input.roundId);
    const duplicatesOfOtherCampaigns = others.reduce((sum, r) => sum + Number(r.n), 0);
    const byCampaign = others.map((r) => `${r.campaign_id}: ${r.n}`).join(', ');
    const dft = await roundDftLabels(db, input.roundId);
    const converged = dft.filter((d) => d.status === 'converged' && d.energy_ev !== null);

    // DFT formation energies and e_above_hull, per level of theory.
    const stability = new Map<string, DftStability>();
    const refsByLevel = new Map<string, DftReferenceState>();
    const notes = new Set<string>();
    // The campaign's own level always: its references are recorded (with kind and source) even in
    // a round whose candidates all failed.
    for (const level of [
      ...new Set([campaignDftLevel(config), ...converged.map((d) => d.level_of_theory)]),
    ]) {
      const rows = converged.filter((d) => d.level_of_theory === level);
      const elements = [...new Set([...campaignElements(config), ...rows.flatMap((d) => d.species)])].sort();
      const refs = await readDftReferences(db, level, elements);
      refsByLevel.set(level, refs);
      const labelled = await convergedDftLabelsAt(db, level);
      const known = await referencePhaseFormationEnergiesAt(db, level);
      const entry = (d: DftLabelRow) => ({
        id: d.id,
        composition: compositionOf(d.species),
        energyEv: d.energy_ev!,
      });
      const referenceIds = new Set(Object.values(refs.calculationIds));
      const referenceRows = labelled.filter((d) => referenceIds.has(d.id));
      const result = await dftStability(
        [...rows, ...referenceRows].map(entry),
        labelled.map(entry),
        known.map((k) => ({
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
          const correction = mp2020Correction(structureFromRow(d), d.hubbard_u === 'mp2020') ?? null;
          await setDftStability(db, d.id, {
            formationEnergyPerAtomEv: st.formationEnergyPerAtomEv,
            eAboveHullEvPerAtom: st.eAboveHullEvPerAtom,
            dftConfirmedStable: isCandidate ? st.eAboveHullEvPerAtom <= threshold : null,
            formationEnergyMp2020EvPerAtom: st.formationEnergyPerAtomEv + (correction?.evPerAtom ?? 0),
            mp2020Correction: correction,
          });
        } else {
          const why = [...new Set(d.species)]
            .filter((el) => refs.missing[el] !== undefined)
            .map((el) => `${el} (${refs.missing[el]})`)
            .join(', ');
          const note = `no DFT elemental reference at ${level} for ${why || 'an element'}`;
          notes.add(note);
          await setDftStabilityUnknown(db, d.id, note);
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
      generated: counts.generated,
      unique: counts.unique,
      novel: input.novel,
      duplicatesOfOtherCampaigns,
      duplicatesNote: duplicatesOfOtherCampaigns
        ? `${duplicatesOfOtherCampaigns} candidate(s) are structures another campaign found first (${byCampaign}); ` +
          "they are left out of this campaign's hull and DFT selection. Campaigns of one configuration " +
          'started together generate the same cells: give each its own generator.seed'
        : null,
      predictedStable: counts.predictedStable,
      predictedStableNote: predictedStableNote(counts.predictedStable, knownCompounds, systems),
      dftRun: dft.length,
      dftConverged: converged.length,
      dftFailed: dft.filter((d) => d.status === 'failed').length,
      dftConfirmedStable: confirmed,
      dftConfirmedStableAmongAssessed: confirmedAmongAssessed,
      dftStabilityAssessed: assessed.length,
      dftConfirmedMaxEAboveHullEvPerAtom: threshold,
      dftStabilityNote: notes.size ? [...notes].join('; ') : null,
      dftLevelNote: provisionalNote(config.dft.profile, dft.length),
      hitRate: confirmed !== null && dft.length > 0 ? confirmed / dft.length : null,
      dftReferences: Object.fromEntries(
        [...refsByLevel].map(([level, r]) => [level, { ...r.muEvPerAtom, ...r.missing }]),
      ),
      ...mlip,
    };
    await finishRound(db, input.roundId, summary);
    return summary;
  };
}

/** Why a count of predicted-stable candidates against the elements alone must not be read as discoveries. */
export function predictedStableNote(
  predictedStable: number,
  knownCompounds: number,
  systems: readonly string[],
): string | null {
  // A unary system has no compounds to know: its hull is its elements.
  if (predictedStable === 0 || knownCompounds > 0 || systems.every((sys) => !sys.includes('-'))) return null;
  return (
    `${predictedStable} candidate(s) count as predicted stable against a hull of the elements alone: ` +
    `no known compound of ${systems.join(', ')} is imported, so this means "below the elements", not ` +
    '"below the known phases"; import the known phases with `matdisc db import-reference FILE` ' +
    '(e.g. the MP-20 rows of the system)'
  );
}

/** Why confirmations at a cheap profile are provisional, when the round ran DFT at one. */
export function provisionalNote(profile: string, dftRun: number): string | null {
  if (profile !== 'test' || dftRun === 0) return null;
  return (
    "DFT at the 'test' profile (k-point density 1.5 Å, plain GGA): energies are tens of meV/atom " +
    'from converged, so these stability decisions are provisional; confirm them with the ' +
    "'standard' profile (dft.profile: standard)"
  );
}

type MlipErrors = Pick<
  RoundSummary,
  'mlipErrorLabels' | 'mlipFormationEnergyMaeMevPerAtom' | 'mlipForceMaeEvPerA' | 'mlipErrorNote'
>;

/** The round's MLIP on the DFT geometries of its labels and of their elemental references. */
async function mlipErrors(
  db: Database,
  roundId: string,
  converged: readonly DftLabelRow[],
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
      await setMlipOnDftGeometry(db, d.id, {
        mlipModelVersionId: mlipVersionId,
        mlipEnergyEv: p.energyEv,
        mlipFormationEnergyPerAtomEv: dftEf !== undefined ? mlipEf : null,
        mlipForceMaeEvPerA: forceMae,
      });
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
