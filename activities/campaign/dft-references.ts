/**
 * DFT elemental references: the energy per atom μ_el of each element's ground-state structure
 * (`elemental-references.ts`), computed at the campaign's DFT level of theory (engine,
 * functional and pseudopotentials, cutoffs, k-point density, smearing: `dft/level-of-theory.ts`)
 * so that DFT formation energies compare like with like (DESIGN.md, Conventions).
 *
 * - One calculation per (level of theory, element), ever: the `dft_calculations` row is keyed
 *   {@link dftReferenceKey}, has no campaign or round (it belongs to every campaign at that level),
 *   and is reused by later rounds and campaigns. It relaxes whatever the campaign's
 *   `dft.calculation` (a crystal's cell too, a molecule in its fixed box), so μ_el is the minimum at
 *   this level, not at the experimental geometry. Elements with complex ground states take the
 *   lowest-energy phase of the pure element among the imported reference phases.
 * - `planDftReferences` (cpu) stores the reference structures and returns the calculations still
 *   to run; the workflow runs them as `dftElementalReference` children with the first DFT batch.
 *   They do not count against the campaign's DFT budget.
 * - A failed reference is a stored outcome like any DFT failure: the round summary names the
 *   element and the reason, and the formation energies that need it stay null. To retry it,
 *   delete that row; the next campaign at that level plans it again.
 */
import { insertOnce } from '../../db/idempotent-insert.js';
import type { Database } from '../../db/database.js';
import {
  listReferenceCalculations,
  markReferenceElement,
  type ReferenceCalculationRow,
} from '../../db/dft-calculations.js';
import { recordDftElementalReference } from '../../db/elemental-references.js';
import { structureFromRow, structureRow } from '../../db/structure-row.js';
import type { Structure } from '../../crystal/structure.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import { engineFor } from '../../dft/engine-registry.js';
import { campaignConfig, type CampaignActivityDependencies } from './campaign-context.js';
import { campaignElements } from '../../contracts/campaign-config.js';
import {
  elementalGroundState,
  elementalReference,
  needsReferenceData,
  type ElementalReference,
  type ElementalReferenceKind,
} from '../../campaign/elemental-references.js';
import { lowestElementalPhase } from '../../db/reference-phases.js';

/** The calculation of every elemental reference: relax cell and positions at the level of theory. */
export const DFT_REFERENCE_CALCULATION = 'vc-relax';

/**
 * Idempotency key of the reference calculation of `element` at `levelOfTheory`. A reference
 * cancelled by a stop (reason `cancelled`, not a scientific outcome) is planned again under the
 * next key: `…:<element>:retry-<n>`.
 */
export const dftReferenceKey = (levelOfTheory: string, element: string, retry = 0) =>
  `dft-reference:${levelOfTheory}:${element}${retry > 0 ? `:retry-${retry}` : ''}`;

/** Reason of a calculation cancelled by `stop --cancel` (activities/dft/dft-activities.ts). */
const CANCELLED = 'cancelled';

/** Every reference calculation of `element` at `levelOfTheory`, oldest first (more than one only after cancellations). */
async function referenceRows(
  db: Database,
  levelOfTheory: string,
  element: string,
): Promise<ReferenceCalculationRow[]> {
  return listReferenceCalculations(db, dftReferenceKey(levelOfTheory, element));
}

/** The level of theory the campaign's DFT calculations (and so its references) run at. */
export function campaignDftLevel(config: CampaignConfig): string {
  const { engine, params } = engineFor(config.dft.engine, config.dft.profile, DFT_REFERENCE_CALCULATION);
  return engine.levelOfTheory(params);
}

/** One reference calculation the workflow still has to run. */
export interface PlannedDftReference {
  readonly element: string;
  readonly structureId: string;
  readonly idempotencyKey: string;
  readonly calculation: ElementalReference['calculation'];
  readonly kind: ElementalReferenceKind;
  readonly source: string;
}

/**
 * The reference of `element`, with the lowest-energy phase of the pure element from the imported
 * reference phases where the element needs one (or, for Br and I, prefers one).
 */
export async function referenceFor(db: Database, element: string): Promise<ElementalReference> {
  if (!needsReferenceData(element) && element !== 'Br' && element !== 'I') return elementalReference(element);
  const phase = await lowestElementalPhase(db, element);
  return elementalReference(
    element,
    phase && { structure: structureFromRow(phase), source: `${phase.source}:${phase.external_id}` },
  );
}

/** Idempotency key of a reference's starting structure (solids keep their first form). */
const referenceStructureKey = (ref: ElementalReference, prototype?: string) =>
  ref.kind === 'solid' && prototype
    ? `elemental-ground-state:${ref.element}:${prototype}`
    : `elemental-reference:${ref.element}:${ref.kind}:${ref.source}`;

/** Kind and source of a reference from its starting structure's key (referenceStructureKey). */
export function referenceOrigin(
  structureKey: string | null,
): { readonly kind: ElementalReferenceKind; readonly source: string } | undefined {
  const solid = structureKey?.match(/^elemental-ground-state:[A-Za-z]+:(\w+)$/);
  if (solid) return { kind: 'solid', source: `${solid[1]}, experimental lattice constants` };
  const other = structureKey?.match(
    /^elemental-reference:[A-Za-z]+:(molecule|atom|reference-data|solid):(.*)$/s,
  );
  if (other) return { kind: other[1] as ElementalReferenceKind, source: other[2]! };
  return undefined;
}

export interface PlanDftReferencesResult {
  readonly levelOfTheory: string;
  /** Elements whose reference at this level is not finished (converged or failed) yet. */
  readonly toRun: readonly PlannedDftReference[];
}

export function createPlanDftReferences(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function planDftReferences(input: {
    readonly campaignId: string;
  }): Promise<PlanDftReferencesResult> {
    const config = await campaignConfig(db, input.campaignId);
    const level = campaignDftLevel(config);
    const toRun: PlannedDftReference[] = [];
    for (const element of campaignElements(config)) {
      const ref = await referenceFor(db, element);
      // No phase of a complex element imported: the round summary says so and how to fix it.
      if (!ref.structure) continue;
      const rows = await referenceRows(db, level, element);
      const latest = rows.at(-1);
      const cancelled = latest?.status === 'failed' && latest.failure_reason === CANCELLED;
      if (latest && (latest.status === 'converged' || latest.status === 'failed') && !cancelled) continue;
      // Not started, still running (a retry resumes it), or cancelled (planned anew).
      const key = cancelled
        ? dftReferenceKey(level, element, rows.length)
        : (latest?.idempotency_key ?? dftReferenceKey(level, element));
      const s = await insertOnce(
        db,
        'structures',
        structureRow(ref.structure, 'reference'),
        referenceStructureKey(ref, elementalGroundState(element)?.prototype),
      );
      toRun.push({
        element,
        structureId: s.id,
        idempotencyKey: key,
        calculation: ref.calculation,
        kind: ref.kind,
        source: ref.source,
      });
    }
    return { levelOfTheory: level, toRun };
  };
}

/** What the database holds about the references of some elements at one level of theory. */
export interface DftReferenceState {
  /** μ_el, eV/atom, of the converged references. */
  readonly muEvPerAtom: Record<string, number>;
  /** The final (relaxed) geometry of each converged reference, for the MLIP comparison. */
  readonly geometries: Record<string, Structure>;
  /** The `dft_calculations` id of each converged reference. */
  readonly calculationIds: Record<string, string>;
  /** Why an element has no μ: the failure reason, or that it was never computed. */
  readonly missing: Record<string, string>;
}

/**
 * Reads the latest reference calculation of each of `elements` at `levelOfTheory`, marks its row
 * `reference_element`, and records each converged one in `elemental_references` (with its
 * calculation id).
 */
export async function readDftReferences(
  db: Database,
  levelOfTheory: string,
  elements: readonly string[],
): Promise<DftReferenceState> {
  const state: DftReferenceState = { muEvPerAtom: {}, geometries: {}, calculationIds: {}, missing: {} };
  for (const element of elements) {
    const row = (await referenceRows(db, levelOfTheory, element)).at(-1);
    if (!row) {
      state.missing[element] = needsReferenceData(element)
        ? `no phase of pure ${element} among the imported reference phases: import reference data that holds one (matdisc db import-reference FILE) and the next round computes it`
        : 'not computed';
      continue;
    }
    await markReferenceElement(db, row.id, element);
    if (row.status === 'failed' || row.energy_per_atom_ev === null) {
      state.missing[element] =
        row.status === 'failed'
          ? `calculation failed: ${row.failure_reason ?? 'no reason stored'}`
          : row.status;
      continue;
    }
    state.muEvPerAtom[element] = row.energy_per_atom_ev;
    state.geometries[element] = structureFromRow(row);
    state.calculationIds[element] = row.id;
    const origin = referenceOrigin(row.structure_key);
    await recordDftElementalReference(db, {
      element,
      level_of_theory: levelOfTheory,
      energy_per_atom_ev: row.energy_per_atom_ev,
      dft_calculation_id: row.id,
      kind: origin?.kind ?? null,
      source: origin?.source ?? null,
    });
  }
  return state;
}
