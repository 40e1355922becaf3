/**
 * What `matdisc report` reads, inside its one read-only transaction (`cli/report/report-data.ts`):
 * the campaign's `campaign_summary` row, its config, its rounds with their MLIPs, its candidates
 * from `candidate_review` with their geometry, and the `hull_entries` of its chemical systems.
 * Each function takes the transaction's client.
 */
import type pg from 'pg';
import type { CampaignSummaryRow } from './campaign-summary.js';
import type { HullEntriesRow } from './hull-entries.js';
import type { RoundRow } from './rounds.js';
import type { StructureGeometry } from './structures.js';

/** The client of a transaction (`Database.transaction`). */
export type TransactionClient = Pick<pg.ClientBase, 'query'>;

/** A row of a view that later migrations may extend: its known columns, and any others. */
type Extensible<Row> = Row & Readonly<Record<string, unknown>>;

/** Makes the running transaction read-only: the report writes nothing. */
export async function setTransactionReadOnly(client: TransactionClient): Promise<void> {
  await client.query('SET TRANSACTION READ ONLY');
}

/** The campaign's `campaign_summary` row, every column, or undefined when there is no such campaign. */
export async function campaignSummaryOf(
  client: TransactionClient,
  campaignId: string,
): Promise<Extensible<CampaignSummaryRow> | undefined> {
  const r = await client.query<Extensible<CampaignSummaryRow>>(
    'SELECT * FROM campaign_summary WHERE campaign_id = $1',
    [campaignId],
  );
  return r.rows[0];
}

/** The ids of the 10 newest campaigns. */
export async function recentCampaignIds(client: TransactionClient): Promise<string[]> {
  const known = await client.query<Pick<CampaignSummaryRow, 'campaign_id'>>(
    'SELECT campaign_id FROM campaign_summary ORDER BY created_at DESC LIMIT 10',
  );
  return known.rows.map((r) => r.campaign_id);
}

/** The part of a stored campaign config the report uses; configs of any age are read, so all optional. */
export interface StoredChemistry {
  readonly chemistry?: { systems?: string[]; compositions?: string[] };
}

export async function storedCampaignConfig(
  client: TransactionClient,
  campaignId: string,
): Promise<StoredChemistry | undefined> {
  const r = await client.query<{ config: StoredChemistry }>('SELECT config FROM campaigns WHERE id = $1', [
    campaignId,
  ]);
  return r.rows[0]?.config;
}

/** A round with the name and version of its MLIP (`model_versions`). */
export type RoundWithModelRow = Pick<
  RoundRow,
  'round_index' | 'stage' | 'summary' | 'mlip_version_id' | 'started_at' | 'finished_at'
> & {
  readonly model_name: string | null;
  readonly model_version: number | null;
};

/** The campaign's rounds in order. */
export async function roundsWithModels(
  client: TransactionClient,
  campaignId: string,
): Promise<RoundWithModelRow[]> {
  const r = await client.query<RoundWithModelRow>(
    `SELECT r.round_index, r.stage, r.summary, r.mlip_version_id::text AS mlip_version_id,
              m.name AS model_name, m.version AS model_version, r.started_at, r.finished_at
         FROM rounds r LEFT JOIN model_versions m ON m.id = r.mlip_version_id
        WHERE r.campaign_id = $1 ORDER BY r.round_index`,
    [campaignId],
  );
  return r.rows;
}

/**
 * A row of the `candidate_review` view (db/migrations/002, 004, 005): a candidate with its latest
 * prediction, DFT calculation and lab experiment. bigint ids arrive as text.
 */
export interface CandidateReviewRow {
  readonly structure_id: string;
  readonly campaign_id: string;
  readonly round_index: number | null;
  readonly reduced_formula: string;
  readonly chemical_system: string;
  readonly n_sites: number;
  readonly origin: 'generated' | 'relaxed';
  readonly duplicate_of_id: string | null;
  readonly mlip_version_id: string | null;
  readonly mlip_energy_per_atom_ev: number | null;
  readonly mlip_e_above_hull_ev_per_atom: number | null;
  readonly mlip_energy_std_ev_per_atom: number | null;
  readonly mlip_max_force_dev_ev_per_a: number | null;
  readonly dft_calculation_id: string | null;
  readonly dft_status: string | null;
  readonly dft_failure_reason: string | null;
  readonly dft_energy_per_atom_ev: number | null;
  readonly dft_formation_energy_per_atom_ev: number | null;
  readonly dft_e_above_hull_ev_per_atom: number | null;
  readonly dft_attempts: number | null;
  readonly lab_status: string | null;
  readonly lab_result: unknown;
  readonly created_at: Date;
  readonly dft_confirmed_stable: boolean | null;
  readonly dft_stability_note: string | null;
  readonly dft_level_of_theory: string | null;
  readonly mlip_formation_energy_on_dft_geometry_ev_per_atom: number | null;
  readonly mlip_formation_energy_error_mev_per_atom: number | null;
  readonly mlip_force_mae_ev_per_a: number | null;
  readonly lab_experiment_id: string | null;
  readonly lab_plugin: string | null;
  readonly lab_device: string | null;
  readonly lab_failure_reason: string | null;
  readonly lab_files: unknown;
  readonly lab_jobs: number | null;
  readonly lab_progress: unknown;
  readonly lab_updated_at: Date | null;
}

/** The campaign's relaxed candidates, every column, by structure id. */
export async function relaxedCandidateReview(
  client: TransactionClient,
  campaignId: string,
): Promise<Extensible<CandidateReviewRow>[]> {
  const r = await client.query<Extensible<CandidateReviewRow>>(
    `SELECT * FROM candidate_review WHERE campaign_id = $1 AND origin = 'relaxed' ORDER BY structure_id`,
    [campaignId],
  );
  return r.rows;
}

export type CandidateGeometryRow = { readonly id: string } & StructureGeometry & {
    /** Of the structure's latest prediction. */
    readonly formation_energy_per_atom_ev: number | null;
  };

/** The structures' geometry and latest predicted formation energy. */
export async function candidateGeometries(
  client: TransactionClient,
  structureIds: readonly string[],
): Promise<CandidateGeometryRow[]> {
  const r = await client.query<CandidateGeometryRow>(
    `SELECT s.id::text AS id, s.species, s.lattice_a, s.frac_coords,
              (SELECT p.formation_energy_per_atom_ev FROM predictions p WHERE p.structure_id = s.id
                ORDER BY p.id DESC LIMIT 1) AS formation_energy_per_atom_ev
         FROM structures s WHERE s.id = ANY($1::bigint[])`,
    [structureIds],
  );
  return r.rows;
}

export type ReportHullEntryRow = Pick<
  HullEntriesRow,
  | 'kind'
  | 'entry_id'
  | 'structure_id'
  | 'reduced_formula'
  | 'chemical_system'
  | 'level_of_theory'
  | 'e_above_hull_ev_per_atom'
> & { readonly formation_energy_per_atom_ev: number };

/** The hull entries with a formation energy of the given chemical systems, by entry id. */
export async function hullEntriesOfSystems(
  client: TransactionClient,
  chemicalSystems: readonly string[],
): Promise<ReportHullEntryRow[]> {
  const r = await client.query<ReportHullEntryRow>(
    `SELECT kind, entry_id, structure_id::text AS structure_id, reduced_formula, chemical_system, level_of_theory,
              formation_energy_per_atom_ev, e_above_hull_ev_per_atom
         FROM hull_entries WHERE chemical_system = ANY($1) AND formation_energy_per_atom_ev IS NOT NULL
        ORDER BY entry_id`,
    [chemicalSystems],
  );
  return r.rows;
}
