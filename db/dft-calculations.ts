/**
 * Reading and updating `dft_calculations` rows (db/migrations/001, with the columns of 002, 003,
 * 004 and 010). A row is inserted once by `insertOnce(db, 'dft_calculations', …)` (db/tables.ts); the DFT
 * activity then records the job it waits for, each attempt, and the outcome.
 *
 * The round summary's writes (formation energy, e_above_hull and confirmation, or why they are
 * unknown; the round's MLIP on the calculation's geometry) are here too.
 */
import type { Database } from './database.js';
import type { Attempt, DftResult } from '../dft/engine.js';
import type { SubmittedJob } from '../dft/run-calculation.js';
import type { DftStatusColumn } from './tables.js';

/** Where a calculation stands: what a retried DFT activity resumes from. */
export interface DftCalculationStateRow {
  readonly id: string;
  readonly status: DftStatusColumn;
  readonly failure_reason: string | null;
  /** eV/atom. */
  readonly energy_per_atom_ev: number | null;
  readonly attempts: Attempt[];
  readonly running_job: SubmittedJob<unknown> | null;
  /** The cell the engine is given when it is not `structure_id` (010: the symmetrised candidate). */
  readonly input_structure_id: string | null;
}

/** The calculation keyed `idempotencyKey`, or undefined before its first insert. */
export async function findDftCalculationByKey(
  db: Database,
  idempotencyKey: string,
): Promise<DftCalculationStateRow | undefined> {
  return (
    await db.query<DftCalculationStateRow>(
      `SELECT id::text AS id, status, failure_reason, energy_per_atom_ev, attempts, running_job,
              input_structure_id::text AS input_structure_id
           FROM dft_calculations WHERE idempotency_key = $1`,
      [idempotencyKey],
    )
  ).rows[0];
}

/** Stores the job just submitted (written synchronously: a retry after a crash re-attaches to it). */
export async function recordRunningJob(db: Database, id: string, job: SubmittedJob<unknown>): Promise<void> {
  await db.query(
    'UPDATE dft_calculations SET running_job = $2, scheduler_job_id = $3, updated_at = now() WHERE id = $1',
    [id, JSON.stringify(job), job.jobId],
  );
}

/** Stores every attempt so far after one finished; no job is running any more. */
export async function recordAttempts(db: Database, id: string, attempts: readonly Attempt[]): Promise<void> {
  await db.query(
    'UPDATE dft_calculations SET attempts = $2, running_job = NULL, updated_at = now() WHERE id = $1',
    [id, JSON.stringify(attempts)],
  );
}

/** The outcome of a calculation, as {@link storeDftOutcome} writes it. */
export interface DftOutcomeColumns {
  readonly status: 'converged' | 'failed';
  readonly reason: string | null;
  readonly attempts: readonly Attempt[];
  /** The engine's result (energies eV, forces eV/Å, stress eV/Å³); absent when there is none. */
  readonly result?: DftResult | undefined;
  /** The `structures` row of the relaxed geometry, if any. */
  readonly finalStructureId: string | null;
  /** Wall time of every attempt together, s. */
  readonly wallS: number;
}

/** Writes the outcome once: a row that is already finished (converged or failed) is left as it is. */
export async function storeDftOutcome(db: Database, id: string, outcome: DftOutcomeColumns): Promise<void> {
  const r = outcome.result;
  await db.query(
    `UPDATE dft_calculations
        SET status = $2, failure_reason = $3, attempts = $4, running_job = NULL,
            energy_ev = $5, energy_per_atom_ev = $6, forces_ev_per_a = $7, stress_ev_per_a3 = $8,
            total_magnetization_bohr = $9, scf_converged = $10, ionic_converged = $11,
            final_structure_id = $12, wall_s = $13, updated_at = now()
      WHERE id = $1 AND status IN ('pending', 'running')`,
    [
      id,
      outcome.status,
      outcome.reason,
      JSON.stringify(outcome.attempts),
      r?.energyEv ?? null,
      r?.energyPerAtomEv ?? null,
      r ? JSON.stringify(r.forcesEvPerA) : null,
      r ? JSON.stringify(r.stressEvPerA3) : null,
      r?.totalMagnetization ?? null,
      r?.scfConverged ?? false,
      r?.ionicConverged ?? null,
      outcome.finalStructureId,
      outcome.wallS,
    ],
  );
}

/** An elemental reference calculation with the geometry its energy belongs to (final, else input). */
export interface ReferenceCalculationRow {
  readonly id: string;
  readonly idempotency_key: string;
  readonly status: DftStatusColumn;
  readonly failure_reason: string | null;
  /** eV/atom. */
  readonly energy_per_atom_ev: number | null;
  readonly species: string[];
  /** 3 × 3, Å. */
  readonly lattice_a: unknown;
  /** N × 3, fractional. */
  readonly frac_coords: unknown;
  /** Idempotency key of the starting structure: says the reference's kind and source. */
  readonly structure_key: string | null;
}

/**
 * The calculation keyed `key` and its retries (`<key>:retry-<n>`, see `dftReferenceKey` in
 * activities/campaign/dft-references.ts), oldest first.
 */
export async function listReferenceCalculations(
  db: Database,
  key: string,
): Promise<ReferenceCalculationRow[]> {
  return (
    await db.query<ReferenceCalculationRow>(
      `SELECT d.id::text AS id, d.idempotency_key, d.status, d.failure_reason, d.energy_per_atom_ev,
              g.species, g.lattice_a, g.frac_coords, s0.idempotency_key AS structure_key
         FROM dft_calculations d JOIN structures g ON g.id = coalesce(d.final_structure_id, d.input_structure_id, d.structure_id)
         JOIN structures s0 ON s0.id = d.structure_id
        WHERE d.idempotency_key = $1 OR d.idempotency_key LIKE $2
        ORDER BY d.id`,
      [key, `${key}:retry-%`],
    )
  ).rows;
}

/** Marks the calculation as the reference of `element` (once: a marked row keeps its element). */
export async function markReferenceElement(db: Database, id: string, element: string): Promise<void> {
  await db.query(
    `UPDATE dft_calculations SET reference_element = $2 WHERE id = $1 AND reference_element IS NULL`,
    [id, element],
  );
}

/** One DFT calculation of a campaign with its structure's formula, as `matdisc demo` prints it. */
export interface CampaignDftOutcomeRow {
  readonly formula: string;
  readonly status: DftStatusColumn;
  readonly failure_reason: string | null;
  /** eV/atom. */
  readonly energy_per_atom_ev: number | null;
  /** eV/atom. */
  readonly formation_energy_per_atom_ev: number | null;
  /** eV/atom. */
  readonly e_above_hull_ev_per_atom: number | null;
  readonly dft_confirmed_stable: boolean | null;
  /** s. */
  readonly wall_s: number | null;
}

/** The campaign's DFT calculations, in the order they were recorded. */
export async function listCampaignDftOutcomes(
  db: Database,
  campaignId: string,
): Promise<CampaignDftOutcomeRow[]> {
  return (
    await db.query<CampaignDftOutcomeRow>(
      `SELECT s.reduced_formula AS formula, d.status, d.failure_reason, d.energy_per_atom_ev,
                    d.formation_energy_per_atom_ev, d.e_above_hull_ev_per_atom, d.dft_confirmed_stable, d.wall_s
               FROM dft_calculations d JOIN structures s ON s.id = d.structure_id
              WHERE d.campaign_id = $1 ORDER BY d.id`,
      [campaignId],
    )
  ).rows;
}

/** A campaign's candidate computed with DFT, with the geometry its DFT label belongs to. */
export interface CampaignDftStructureRow {
  readonly structure_id: string;
  readonly formula: string;
  readonly status: DftStatusColumn;
  /** Space group (moyo, symprec 0.1 Å) of the DFT structure. */
  readonly space_group_symbol: string | null;
  /** eV/atom. */
  readonly formation_energy_per_atom_ev: number | null;
  /** eV/atom, on the campaign's DFT hull. */
  readonly e_above_hull_ev_per_atom: number | null;
  readonly dft_confirmed_stable: boolean | null;
  /** The DFT structure: the final one of a relaxation, else the cell the code was given. */
  readonly species: string[];
  readonly lattice_a: unknown;
  readonly frac_coords: unknown;
}

/** Every candidate DFT calculation of a campaign (no elemental references), oldest first. */
export async function listCampaignDftStructures(
  db: Database,
  campaignId: string,
): Promise<CampaignDftStructureRow[]> {
  return (
    await db.query<CampaignDftStructureRow>(
      `SELECT d.structure_id, s.reduced_formula AS formula, d.status, g.space_group_symbol,
              d.formation_energy_per_atom_ev, d.e_above_hull_ev_per_atom, d.dft_confirmed_stable,
              g.species, g.lattice_a, g.frac_coords
         FROM dft_calculations d
         JOIN structures s ON s.id = d.structure_id
         JOIN structures g ON g.id = coalesce(d.final_structure_id, d.input_structure_id, d.structure_id)
        WHERE d.campaign_id = $1 AND d.reference_element IS NULL ORDER BY d.id`,
      [campaignId],
    )
  ).rows;
}

export interface DftStabilityColumns {
  readonly formationEnergyPerAtomEv: number;
  readonly eAboveHullEvPerAtom: number;
  /** Null for calculations that are no candidate (elemental references). */
  readonly dftConfirmedStable: boolean | null;
  /** The formation energy with MP2020-style anion corrections, eV/atom (campaign/mp2020-corrections.ts). */
  readonly formationEnergyMp2020EvPerAtom: number;
  /** What was applied, or null when no correction applies. */
  readonly mp2020Correction: object | null;
}

/** Stores a calculation's DFT formation energy and e_above_hull (eV/atom); clears its note. */
export async function setDftStability(
  db: Database,
  dftCalculationId: string,
  s: DftStabilityColumns,
): Promise<void> {
  await db.query(
    `UPDATE dft_calculations SET formation_energy_per_atom_ev = $2, e_above_hull_ev_per_atom = $3,
                    dft_confirmed_stable = $4, stability_note = NULL,
                    formation_energy_mp2020_ev_per_atom = $5, mp2020_correction = $6 WHERE id = $1`,
    [
      dftCalculationId,
      s.formationEnergyPerAtomEv,
      s.eAboveHullEvPerAtom,
      s.dftConfirmedStable,
      s.formationEnergyMp2020EvPerAtom,
      s.mp2020Correction === null ? null : JSON.stringify(s.mp2020Correction),
    ],
  );
}

/** Clears a calculation's stability columns and says why they cannot be computed. */
export async function setDftStabilityUnknown(
  db: Database,
  dftCalculationId: string,
  note: string,
): Promise<void> {
  await db.query(
    `UPDATE dft_calculations SET formation_energy_per_atom_ev = NULL, e_above_hull_ev_per_atom = NULL,
                    dft_confirmed_stable = NULL, stability_note = $2,
                    formation_energy_mp2020_ev_per_atom = NULL, mp2020_correction = NULL WHERE id = $1`,
    [dftCalculationId, note],
  );
}

export interface MlipOnDftGeometry {
  readonly mlipModelVersionId: string;
  readonly mlipEnergyEv: number;
  /** Null when the DFT formation energy or an MLIP elemental reference is missing. */
  readonly mlipFormationEnergyPerAtomEv: number | null;
  readonly mlipForceMaeEvPerA: number | null;
}

/** Stores what an MLIP says on a calculation's DFT geometry. */
export async function setMlipOnDftGeometry(
  db: Database,
  dftCalculationId: string,
  m: MlipOnDftGeometry,
): Promise<void> {
  await db.query(
    `UPDATE dft_calculations SET mlip_model_version_id = $2, mlip_energy_ev = $3,
                mlip_formation_energy_per_atom_ev = $4, mlip_force_mae_ev_per_a = $5 WHERE id = $1`,
    [
      dftCalculationId,
      m.mlipModelVersionId,
      m.mlipEnergyEv,
      m.mlipFormationEnergyPerAtomEv,
      m.mlipForceMaeEvPerA,
    ],
  );
}
