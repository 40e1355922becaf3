/**
 * `dftElementalReference`: the DFT calculation of one element's reference ground state
 * (`activities/campaign/dft-references.ts`), as a child workflow of the campaign that first needs
 * it (`<campaign>-dft-reference-<element>`, W9). The calculation (a `vc-relax` of a crystal, a
 * fixed-cell `relax` of a molecule in a box, an `scf` of an atom) is keyed by
 * level of theory and element, not by campaign: however many campaigns or retries ask for it,
 * there is one `dft_calculations` row, shared by every campaign at that level of theory.
 */
import type { DftCalculationSummary } from '../activities/dft/dft-activities.js';
import type { CampaignConfig } from '../contracts/campaign-config.js';
import { dftActivity } from './dft-activity.js';

export interface DftElementalReferenceInput {
  readonly element: string;
  /** The stored ground-state structure (origin 'reference'). */
  readonly structureId: string;
  /** `dft-reference:<level of theory>:<element>`. */
  readonly idempotencyKey: string;
  /** Absent in inputs from before molecule references: a `vc-relax`. */
  readonly calculation?: 'vc-relax' | 'relax' | 'scf';
  readonly dft: Pick<CampaignConfig['dft'], 'engine' | 'profile' | 'scheduler'>;
}

export const dftReferenceWorkflowId = (campaignId: string, element: string) =>
  `${campaignId}-dft-reference-${element}`;

export async function dftElementalReference(
  input: DftElementalReferenceInput,
): Promise<DftCalculationSummary> {
  return dftActivity.runDftCalculation({
    structureId: input.structureId,
    engine: input.dft.engine,
    profile: input.dft.profile,
    // Relaxed: μ_el is the minimum at this level of theory (dft-references.ts).
    calculation: input.calculation ?? 'vc-relax',
    scheduler: input.dft.scheduler,
    idempotencyKey: input.idempotencyKey,
    campaignId: null,
    roundId: null,
  });
}
