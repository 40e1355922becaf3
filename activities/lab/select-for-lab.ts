/**
 * `selectForLab` (cpu): the candidates of a round that go to the lab. A candidate qualifies when
 * its DFT calculation converged and its energy above the hull is at most
 * `lab.select.maxEAboveHullEvPerAtom`, judged on the DFT value (`dft_calculations.e_above_hull_ev_per_atom`,
 * against DFT elemental references) where the campaign stored one, and on the MLIP prediction of
 * the same structure where it did not yet; `selection.basis` records which. Candidates already sent
 * to this plugin are left out; the lowest e_above_hull go first, ties broken by structure id, so a
 * retry selects the same ones.
 */
import { listLabCandidates } from '../../db/lab-experiments.js';
import type { LabActivityDependencies } from './lab-activities.js';

export interface SelectForLabInput {
  readonly campaignId: string;
  readonly roundId: string;
  readonly plugin: string;
  readonly maxEAboveHullEvPerAtom: number;
  readonly maxPerRound: number;
}

export interface LabCandidate {
  readonly structureId: string;
  readonly selection: {
    readonly basis: 'dft' | 'mlip';
    readonly eAboveHullEvPerAtom: number;
    readonly maxEAboveHullEvPerAtom: number;
    readonly dftCalculationId: string;
  };
}

export function createSelectForLab(deps: LabActivityDependencies) {
  const { db } = deps;
  return async function selectForLab(
    input: SelectForLabInput,
  ): Promise<{ readonly candidates: LabCandidate[] }> {
    const rows = await listLabCandidates(db, {
      campaignId: input.campaignId,
      roundId: input.roundId,
      maxEAboveHullEvPerAtom: input.maxEAboveHullEvPerAtom,
      plugin: input.plugin,
      limit: input.maxPerRound,
    });
    return {
      candidates: rows.map((r) => ({
        structureId: r.structure_id,
        selection: {
          basis: r.dft_e_hull !== null ? 'dft' : 'mlip',
          eAboveHullEvPerAtom: (r.dft_e_hull ?? r.mlip_e_hull)!,
          maxEAboveHullEvPerAtom: input.maxEAboveHullEvPerAtom,
          dftCalculationId: r.dft_id,
        },
      })),
    };
  };
}
