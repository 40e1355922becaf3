/**
 * Insert rows of the tables that have an `idempotency_key` (db/migrations/*.sql), for
 * `insertOnce` (db/idempotent-insert.ts). A property is a column: required where the column is
 * NOT NULL without a default, optional (`?`) where the database fills it (a default, or NULL).
 * Units are in the column names (DESIGN.md "Conventions"). `id` is a bigserial and
 * `idempotency_key` is insertOnce's own argument, so neither is here.
 *
 * Values travel through `toSqlValue` (db/sql-value.ts): objects and numeric arrays go to jsonb as
 * JSON text, string arrays to text[] as they are. bigint ids are strings, as every query reads them
 * (`id::text`).
 */
import type { LabExperimentStatus } from '../contracts/lab-status.js';
import type { LabJobRecord, LabRequestColumn } from './lab-experiments.js';
import type { StructureOrigin } from './structure-row.js';

/** A 3 × 3 or N × 3 matrix stored as jsonb (rows are vectors). */
export type Jsonb3Matrix = readonly (readonly number[])[];

/** `structures` (001): one crystal structure. */
export interface StructureInsert {
  /** Canonical hash of species + lattice + coordinates. */
  readonly content_hash: string;
  readonly reduced_formula: string;
  /** Elements sorted and joined by '-', e.g. 'Li-O-Si'. */
  readonly chemical_system: string;
  /** > 0 (CHECK). */
  readonly n_sites: number;
  readonly species: readonly string[];
  /** 3 × 3, Å; rows are the lattice vectors. */
  readonly lattice_a: Jsonb3Matrix;
  /** N × 3, fractional. */
  readonly frac_coords: Jsonb3Matrix;
  /** Å³, > 0 (CHECK). */
  readonly volume_a3: number;
  /** 1..230 (CHECK), moyo at symprec 0.1 Å (009); null where it refuses the cell. */
  readonly space_group_number?: number | null;
  /** Hermann–Mauguin, e.g. 'Fm-3m' (009). */
  readonly space_group_symbol?: string | null;
  /** vector(128) in pgvector's text form, e.g. from `pgvector.toSql(fingerprint)`. */
  readonly fingerprint?: string | null;
  readonly origin: StructureOrigin;
  readonly campaign_id?: string | null;
  readonly round_id?: string | null;
  readonly parent_id?: string | null;
  readonly duplicate_of_id?: string | null;
  readonly created_at?: Date;
}

/** `predictions` (001): one MLIP prediction of one structure. */
export interface PredictionInsert {
  readonly structure_id: string;
  readonly model_version_id: string;
  readonly relaxed_structure_id?: string | null;
  readonly energy_ev: number;
  readonly energy_per_atom_ev: number;
  readonly formation_energy_per_atom_ev?: number | null;
  readonly e_above_hull_ev_per_atom?: number | null;
  readonly max_force_ev_per_a?: number | null;
  readonly energy_std_ev_per_atom?: number | null;
  readonly max_force_dev_ev_per_a?: number | null;
  readonly relax_converged?: boolean | null;
  readonly relax_steps?: number | null;
  readonly created_at?: Date;
}

export type DftEngineColumn = 'qe' | 'vasp';
export type DftCalculationColumn = 'scf' | 'relax' | 'vc-relax';
export type DftStatusColumn = 'pending' | 'running' | 'converged' | 'failed';
export type DftSchedulerColumn = 'local' | 'slurm';

/** `dft_calculations` (001, with the columns of 002, 003, 004 and 010): one DFT calculation. */
export interface DftCalculationInsert {
  readonly structure_id?: string | null;
  readonly campaign_id?: string | null;
  readonly round_id?: string | null;
  readonly engine: DftEngineColumn;
  readonly calculation: DftCalculationColumn;
  readonly profile_name: string;
  /** The engine's parameter set (QE or VASP), jsonb. */
  readonly profile: Readonly<Record<string, unknown>>;
  /** Hash of the settings that change energies (`dft/level-of-theory.ts`). */
  readonly level_of_theory: string;
  /** Default 'pending'. */
  readonly status?: DftStatusColumn;
  readonly failure_reason?: string | null;
  readonly energy_ev?: number | null;
  readonly energy_per_atom_ev?: number | null;
  /** N × 3, eV/Å. */
  readonly forces_ev_per_a?: Jsonb3Matrix | null;
  /** 3 × 3, eV/Å³, ASE sign (positive = tensile). */
  readonly stress_ev_per_a3?: Jsonb3Matrix | null;
  readonly total_magnetization_bohr?: number | null;
  readonly scf_converged?: boolean | null;
  readonly ionic_converged?: boolean | null;
  readonly final_structure_id?: string | null;
  readonly wall_s?: number | null;
  /** Every attempt with its parameter changes (`Attempt` of dft/engine.ts); default []. */
  readonly attempts?: readonly unknown[];
  /** Default 'local'. */
  readonly scheduler?: DftSchedulerColumn;
  readonly scheduler_job_id?: string | null;
  readonly work_dir?: string | null;
  readonly created_at?: Date;
  readonly updated_at?: Date;
  /** 002 */
  readonly formation_energy_per_atom_ev?: number | null;
  readonly e_above_hull_ev_per_atom?: number | null;
  /** 003: the job being waited for (`SubmittedJob` of dft/run-calculation.ts). */
  readonly running_job?: Readonly<Record<string, unknown>> | null;
  /** 004 */
  readonly reference_element?: string | null;
  readonly dft_confirmed_stable?: boolean | null;
  readonly stability_note?: string | null;
  readonly mlip_model_version_id?: string | null;
  readonly mlip_energy_ev?: number | null;
  readonly mlip_formation_energy_per_atom_ev?: number | null;
  readonly mlip_force_mae_ev_per_a?: number | null;
  /** 010: the cell the engine was given (the symmetrised candidate, or the candidate itself); null: `structure_id`. */
  readonly input_structure_id?: string | null;
  /** 010: what was done to the cell before DFT (`InputSymmetrization` of dft/symmetrize-input.ts). */
  readonly input_symmetrization?: Readonly<Record<string, unknown>> | null;
}

/** `lab_experiments` (001, with the columns of 005): one experiment on a robot. */
export interface LabExperimentInsert {
  readonly structure_id: string;
  readonly campaign_id?: string | null;
  readonly plugin: string;
  readonly device?: string | null;
  /** Default 'requested'. */
  readonly status?: LabExperimentStatus;
  /** Default {}. */
  readonly request?: LabRequestColumn;
  readonly result?: Readonly<Record<string, unknown>> | null;
  /** [{name, url, mediaType, bytes, sha256}]; default []. */
  readonly files?: readonly unknown[];
  readonly failure_reason?: string | null;
  readonly created_at?: Date;
  readonly updated_at?: Date;
  /** 005 */
  readonly round_id?: string | null;
  readonly workflow_id?: string | null;
  /** The criteria and values that chose this candidate. */
  readonly selection?: Readonly<Record<string, unknown>> | null;
  readonly robot_job_id?: string | null;
  /** Default []. */
  readonly jobs?: readonly LabJobRecord[];
  readonly task_token?: string | null;
  readonly progress?: Readonly<Record<string, unknown>> | null;
  readonly decided_by?: string | null;
  readonly decision_note?: string | null;
  readonly decided_at?: Date | null;
  readonly device_acquired_at?: Date | null;
  readonly started_at?: Date | null;
  readonly finished_at?: Date | null;
}

/** `events` (001): provenance, who did what to which row. */
export interface EventInsert {
  /** Default now(). */
  readonly at?: Date;
  readonly campaign_id?: string | null;
  readonly workflow_id?: string | null;
  readonly activity?: string | null;
  readonly kind: string;
  readonly subject_table?: string | null;
  readonly subject_id?: string | null;
  /** Default {}. */
  readonly payload?: Readonly<Record<string, unknown>>;
}

/** Every table with an `idempotency_key`, and the row `insertOnce` inserts into it. */
export interface IdempotentTables {
  readonly structures: StructureInsert;
  readonly predictions: PredictionInsert;
  readonly dft_calculations: DftCalculationInsert;
  readonly lab_experiments: LabExperimentInsert;
  readonly events: EventInsert;
}
