/**
 * `selectForLab` (cpu): the candidates of a round that go to the lab. A candidate qualifies when
 * its DFT calculation converged and its energy above the hull is at most
 * `lab.select.maxEAboveHullEvPerAtom`, judged on the DFT value (`dft_calculations.e_above_hull_ev_per_atom`,
 * against DFT elemental references) where the campaign stored one, and on the MLIP prediction of
 * the same structure where it did not yet; `selection.basis` records which. Candidates already sent
 * to this plugin are left out; the lowest e_above_hull go first, ties broken by structure id, so a
 * retry selects the same ones.
 */
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
    const rows = await db.query<{
      structure_id: string;
      dft_id: string;
      dft_e_hull: number | null;
      mlip_e_hull: number | null;
    }>(
      `SELECT d.structure_id::text AS structure_id, d.id::text AS dft_id,
              d.e_above_hull_ev_per_atom AS dft_e_hull, p.e_above_hull_ev_per_atom AS mlip_e_hull
         FROM dft_calculations d
         LEFT JOIN LATERAL (SELECT e_above_hull_ev_per_atom FROM predictions p
                             WHERE p.structure_id = d.structure_id ORDER BY p.id DESC LIMIT 1) p ON true
        WHERE d.campaign_id = $1 AND d.round_id = $2 AND d.status = 'converged'
          AND COALESCE(d.e_above_hull_ev_per_atom, p.e_above_hull_ev_per_atom) <= $3
          AND NOT EXISTS (SELECT 1 FROM lab_experiments l WHERE l.structure_id = d.structure_id AND l.plugin = $4)
        ORDER BY COALESCE(d.e_above_hull_ev_per_atom, p.e_above_hull_ev_per_atom), d.structure_id
        LIMIT $5`,
      [input.campaignId, input.roundId, input.maxEAboveHullEvPerAtom, input.plugin, input.maxPerRound],
    );
    return {
      candidates: rows.rows.map((r) => ({
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
