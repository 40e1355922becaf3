/**
 * What a campaign report shows, read from the database in one read-only transaction: the
 * campaign's row of `campaign_summary`, its rounds (summary JSON and the MLIP version each used),
 * its candidates from `candidate_review` (the relaxed structures: MLIP prediction, committee
 * uncertainty, DFT outcome, lab status) with their geometry, and the `hull_entries` of its
 * chemical systems. Nothing is written.
 *
 * Columns that later migrations add to `candidate_review` or `campaign_summary` come through
 * untouched (`extra`, `summary`), so the report shows them without knowing them.
 */
import { Structure } from '../../crystal/structure.js';
import {
  campaignSummaryOf,
  candidateGeometries,
  hullEntriesOfSystems,
  recentCampaignIds,
  relaxedCandidateReview,
  roundsWithModels,
  setTransactionReadOnly,
  storedCampaignConfig,
} from '../../db/campaign-report.js';
import type { Database } from '../../db/database.js';
import { subsystems } from '../../db/hull-entries.js';
import { structureFromRow } from '../../db/structure-row.js';

export interface ReportRound {
  readonly round_index: number;
  readonly stage: string;
  /** `rounds.summary` as stored (RoundSummary: hitRate, dftRun, dftConfirmedStable, mlipMaeEvPerAtom, …). */
  readonly summary: Readonly<Record<string, unknown>>;
  readonly mlip_version_id: string | null;
  /** 'name vN' of the round's MLIP, or null. */
  readonly mlip_model: string | null;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

export interface ReportCandidate {
  readonly structure_id: string;
  readonly round_index: number | null;
  readonly reduced_formula: string;
  readonly chemical_system: string;
  readonly n_sites: number;
  readonly duplicate_of_id: string | null;
  readonly mlip_version_id: string | null;
  readonly mlip_energy_per_atom_ev: number | null;
  readonly mlip_formation_energy_per_atom_ev: number | null;
  readonly mlip_e_above_hull_ev_per_atom: number | null;
  readonly mlip_energy_std_ev_per_atom: number | null;
  readonly mlip_max_force_dev_ev_per_a: number | null;
  readonly dft_status: string | null;
  readonly dft_failure_reason: string | null;
  readonly dft_energy_per_atom_ev: number | null;
  readonly dft_formation_energy_per_atom_ev: number | null;
  readonly dft_e_above_hull_ev_per_atom: number | null;
  readonly lab_status: string | null;
  /** Other `candidate_review` columns (added by later migrations), scalars only. */
  readonly extra: Readonly<Record<string, string | number | boolean | null>>;
  readonly structure: Structure;
}

export interface ReportHullEntry {
  readonly kind: string;
  readonly entry_id: string;
  readonly structure_id: string | null;
  readonly reduced_formula: string;
  readonly chemical_system: string;
  readonly level_of_theory: string;
  readonly formation_energy_per_atom_ev: number;
  readonly e_above_hull_ev_per_atom: number | null;
}

export interface ReportData {
  readonly campaign_id: string;
  readonly name: string;
  readonly status: string;
  /** Chemical systems of the campaign config, elements sorted ('Ge-Si'). */
  readonly systems: readonly string[];
  /** The campaign's `campaign_summary` row, every column. */
  readonly summary: Readonly<Record<string, string | number | boolean | null>>;
  readonly rounds: readonly ReportRound[];
  readonly candidates: readonly ReportCandidate[];
  readonly hull_entries: readonly ReportHullEntry[];
}

/** The candidate_review columns ReportCandidate names; the others go to `extra`. */
const KNOWN_COLUMNS = new Set([
  'structure_id',
  'campaign_id',
  'round_index',
  'reduced_formula',
  'chemical_system',
  'n_sites',
  'origin',
  'duplicate_of_id',
  'mlip_version_id',
  'mlip_energy_per_atom_ev',
  'mlip_formation_energy_per_atom_ev',
  'mlip_e_above_hull_ev_per_atom',
  'mlip_energy_std_ev_per_atom',
  'mlip_max_force_dev_ev_per_a',
  'dft_calculation_id',
  'dft_status',
  'dft_failure_reason',
  'dft_energy_per_atom_ev',
  'dft_formation_energy_per_atom_ev',
  'dft_e_above_hull_ev_per_atom',
  'dft_attempts',
  'lab_status',
  'lab_result',
  'created_at',
  // 009's geometry: the report reads it as `structure` (CIF, 3D view), not as table columns.
  'species',
  'lattice_a',
  'frac_coords',
]);

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const scalar = (v: unknown): string | number | boolean | null =>
  v === null || v === undefined
    ? null
    : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string'
      ? v
      : v instanceof Date
        ? v.toISOString()
        : typeof v === 'bigint'
          ? Number(v)
          : JSON.stringify(v);
const systemOf = (system: string) =>
  system
    .split('-')
    .map((e) => e.trim())
    .filter(Boolean)
    .sort()
    .join('-');

/** Reads everything the report shows for `campaignId`; throws naming known ids when it does not exist. */
export async function loadReportData(db: Database, campaignId: string): Promise<ReportData> {
  return db.transaction(async (client) => {
    await setTransactionReadOnly(client);
    const summary = await campaignSummaryOf(client, campaignId);
    if (!summary) {
      const ids = await recentCampaignIds(client);
      throw new Error(
        `campaign '${campaignId}' not found${ids.length ? `; recent campaigns: ${ids.join(', ')}` : ' (the database holds no campaigns)'}`,
      );
    }
    const config = await storedCampaignConfig(client, campaignId);
    const rounds = await roundsWithModels(client, campaignId);
    const review = await relaxedCandidateReview(client, campaignId);
    const ids = review.map((r) => String(r.structure_id));
    const geometry = await candidateGeometries(client, ids);
    const byId = new Map(geometry.map((g) => [g.id, g]));
    const systems = [
      ...new Set([
        ...(config?.chemistry?.systems ?? []).map(systemOf),
        ...review.map((r) => systemOf(String(r.chemical_system))),
      ]),
    ].sort((a, b) => b.split('-').length - a.split('-').length || a.localeCompare(b));
    // Drop systems contained in a larger one: their entries appear in its diagram.
    const topSystems = systems.filter(
      (s) => !systems.some((t) => t !== s && s.split('-').every((el) => t.split('-').includes(el))),
    );
    const hull = await hullEntriesOfSystems(client, [...new Set(topSystems.flatMap(subsystems))]);
    return {
      campaign_id: campaignId,
      name: String(summary.name ?? campaignId),
      status: String(summary.status ?? ''),
      systems: topSystems,
      summary: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, scalar(v)])),
      rounds: rounds.map((r) => ({
        round_index: Number(r.round_index),
        stage: String(r.stage),
        summary: (r.summary ?? {}) as Record<string, unknown>,
        mlip_version_id: str(r.mlip_version_id),
        mlip_model: r.model_name ? `${String(r.model_name)} v${String(r.model_version)}` : null,
        started_at: str(scalar(r.started_at)),
        finished_at: str(scalar(r.finished_at)),
      })),
      candidates: review.flatMap((r): ReportCandidate[] => {
        const g = byId.get(String(r.structure_id));
        if (!g) return [];
        return [
          {
            structure_id: String(r.structure_id),
            round_index: num(r.round_index),
            reduced_formula: String(r.reduced_formula),
            chemical_system: String(r.chemical_system),
            n_sites: Number(r.n_sites),
            duplicate_of_id: str(r.duplicate_of_id),
            mlip_version_id: str(r.mlip_version_id),
            mlip_energy_per_atom_ev: num(r.mlip_energy_per_atom_ev),
            mlip_formation_energy_per_atom_ev: num(
              r.mlip_formation_energy_per_atom_ev ?? g.formation_energy_per_atom_ev,
            ),
            mlip_e_above_hull_ev_per_atom: num(r.mlip_e_above_hull_ev_per_atom),
            mlip_energy_std_ev_per_atom: num(r.mlip_energy_std_ev_per_atom),
            mlip_max_force_dev_ev_per_a: num(r.mlip_max_force_dev_ev_per_a),
            dft_status: str(r.dft_status),
            dft_failure_reason: str(r.dft_failure_reason),
            dft_energy_per_atom_ev: num(r.dft_energy_per_atom_ev),
            dft_formation_energy_per_atom_ev: num(r.dft_formation_energy_per_atom_ev),
            dft_e_above_hull_ev_per_atom: num(r.dft_e_above_hull_ev_per_atom),
            lab_status: str(r.lab_status),
            extra: Object.fromEntries(
              Object.entries(r)
                .filter(([k]) => !KNOWN_COLUMNS.has(k))
                .map(([k, v]) => [k, scalar(v)]),
            ),
            structure: structureFromRow(g),
          },
        ];
      }),
      hull_entries: hull.map((h) => ({
        kind: String(h.kind),
        entry_id: String(h.entry_id),
        structure_id: str(h.structure_id),
        reduced_formula: String(h.reduced_formula),
        chemical_system: String(h.chemical_system),
        level_of_theory: String(h.level_of_theory),
        formation_energy_per_atom_ev: Number(h.formation_energy_per_atom_ev),
        e_above_hull_ev_per_atom: num(h.e_above_hull_ev_per_atom),
      })),
    };
  });
}
