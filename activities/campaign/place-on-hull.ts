/**
 * `placeOnHull` (cpu): predicted formation energies and energies above the hull of the round's
 * unique candidates, entirely at the MLIP's level of theory (DESIGN.md: E_f against references
 * computed at the same level).
 *
 * - Elemental references μ_el: the lowest physical energy per atom the round's MLIP reaches for the
 *   element (`campaign/mlip-elemental-reference.ts`: the DFT reference cell, the simple prototypes
 *   for solids, stored unary phases). Stored in `elemental_references` under level `mlip:<version>`,
 *   so a model version computes them once.
 * - The hull: the elements at 0 plus every stored reference phase of the chemical system and its
 *   subsystems, relaxed and scored by the same MLIP. Candidates are measured against it without
 *   joining it, so a negative e_above_hull means "below the known hull".
 *
 * The MLIP is imperfect, so these are predictions; the DFT labels decide (record-round-summary.ts).
 */
import { PDEntry, PhaseDiagram, formationEnergyPerAtom } from '../../crystal/hull/index.js';
import type { Structure } from '../../crystal/structure.js';
import type { Database } from '../../db/database.js';
import { subsystems } from '../../db/hull-entries.js';
import { mlipElementalReferences, storeMlipElementalReference } from '../../db/elemental-references.js';
import { setHullPlacement, uniqueCandidatePredictions } from '../../db/predictions.js';
import {
  referencePhaseStructuresOfSystems,
  unaryReferencePhaseStructures,
} from '../../db/reference-phases.js';
import { structureFromRow } from '../../db/structure-row.js';
import { MlipModel } from '../../models/mlip/index.js';
import { StopReason, relax } from '../../models/relax/index.js';
import { mlipElementalReferenceEnergy } from '../../campaign/mlip-elemental-reference.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import {
  campaignConfig,
  mlipLevelOfTheory,
  modelFile,
  roundRow,
  setStage,
  type CampaignActivityDependencies,
  type RoundRef,
} from './campaign-context.js';
import { campaignElements, campaignSystems } from '../../contracts/campaign-config.js';

export interface PlaceOnHullResult {
  readonly placed: number;
  readonly predictedStable: number;
  readonly elementalReferencesEvPerAtom: Readonly<Record<string, number>>;
}

export function createPlaceOnHull(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function placeOnHull(input: RoundRef): Promise<PlaceOnHullResult> {
    const config = await campaignConfig(db, input.campaignId);
    const { mlipVersionId } = await roundRow(db, input.roundId);
    await setStage(db, input.roundId, 'hull');
    const level = mlipLevelOfTheory(mlipVersionId);
    const model = await MlipModel.load(await modelFile(db, mlipVersionId));
    try {
      const mu = await elementalReferences(db, model, config, level);
      const systems = campaignSystems(config);
      const refs = await referencePhaseStructuresOfSystems(db, [
        ...new Set(systems.flatMap((s) => subsystems(s))),
      ]);
      const refRelaxed = await relax(model, refs.map(structureFromRow), {
        fmax: config.relax.fmax,
        steps: config.relax.steps,
      });
      // A reference phase whose relaxation collapsed has no meaningful MLIP energy: it stays off the hull.
      const refEntries = refRelaxed.flatMap((r, i) =>
        r.stopReason === StopReason.unphysical
          ? []
          : [entryOf(`reference:${refs[i]!.id}`, r.structure, r.energyEv, mu)],
      );
      const elements = Object.keys(mu);
      const terminals = elements.map((el) => PDEntry.fromEnergyPerAtom(`element:${el}`, { [el]: 1 }, 0));
      const pd = await PhaseDiagram.build([...terminals, ...refEntries]);

      const candidates = await uniqueCandidatePredictions(db, input.roundId, mlipVersionId);
      let predictedStable = 0;
      for (const c of candidates) {
        const composition: Record<string, number> = {};
        for (const el of c.species) composition[el] = (composition[el] ?? 0) + 1;
        const entry = PDEntry.create(`prediction:${c.prediction_id}`, composition, c.energy_ev);
        const ef = formationEnergyPerAtom(entry, mu);
        const eHull = pd.eAboveHull(PDEntry.fromEnergyPerAtom(entry.id, composition, ef));
        if (eHull <= config.stability.maxEAboveHullEvPerAtom) predictedStable += 1;
        await setHullPlacement(db, c.prediction_id, ef, eHull);
      }
      return { placed: candidates.length, predictedStable, elementalReferencesEvPerAtom: mu };
    } finally {
      await model.dispose();
    }
  };
}

function entryOf(id: string, s: Structure, energyEv: number, mu: Record<string, number>): PDEntry {
  const composition: Record<string, number> = {};
  for (const el of s.species) composition[el] = (composition[el] ?? 0) + 1;
  const ef = formationEnergyPerAtom(PDEntry.create(id, composition, energyEv), mu);
  return PDEntry.fromEnergyPerAtom(id, composition, ef);
}

/** μ_el at this MLIP level (`campaign/mlip-elemental-reference.ts`): read, or computed once and stored. */
async function elementalReferences(
  db: Database,
  model: MlipModel,
  config: CampaignConfig,
  level: string,
): Promise<Record<string, number>> {
  const elements = campaignElements(config);
  const stored = await mlipElementalReferences(db, level, elements);
  const mu: Record<string, number> = Object.fromEntries(stored.map((r) => [r.element, r.energy_per_atom_ev]));
  for (const el of elements.filter((e) => mu[e] === undefined)) {
    const phases = (await unaryReferencePhaseStructures(db, el)).map(structureFromRow);
    const energy = await mlipElementalReferenceEnergy(model, el, phases, config.relax);
    mu[el] = await storeMlipElementalReference(db, el, level, energy);
  }
  return mu;
}
