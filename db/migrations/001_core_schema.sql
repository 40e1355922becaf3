-- matdisc core schema. Units are in column names (DESIGN.md "Conventions").
-- Every table written by a workflow-driven activity has a unique idempotency_key, so a retried
-- activity re-reads its row instead of inserting a second one.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE campaigns (
  id              text PRIMARY KEY,               -- the workflow id, e.g. 'campaign-li-si-o-2026-11-28'
  kind            text NOT NULL DEFAULT 'discovery' CHECK (kind IN ('discovery', 'hello')),
  name            text NOT NULL,
  config          jsonb NOT NULL DEFAULT '{}',
  status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'paused', 'completed', 'stopped', 'failed')),
  result          jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_versions (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('mlip', 'generator')),
  name            text NOT NULL,
  version         integer NOT NULL,
  file_path       text NOT NULL,
  file_sha256     text NOT NULL,
  card            jsonb NOT NULL DEFAULT '{}',
  metrics         jsonb NOT NULL DEFAULT '{}',
  parent_id       bigint REFERENCES model_versions(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, name, version),
  UNIQUE (kind, file_sha256)
);

CREATE TABLE rounds (
  id              bigserial PRIMARY KEY,
  campaign_id     text NOT NULL REFERENCES campaigns(id),
  round_index     integer NOT NULL CHECK (round_index >= 0),
  mlip_version_id bigint REFERENCES model_versions(id),
  stage           text NOT NULL DEFAULT 'generate',
  summary         jsonb NOT NULL DEFAULT '{}',
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  UNIQUE (campaign_id, round_index)
);

-- A crystal structure. lattice_a: 3x3 rows are lattice vectors (Å); frac_coords: N x 3.
CREATE TABLE structures (
  id              bigserial PRIMARY KEY,
  content_hash    text NOT NULL,                  -- canonical hash of species + lattice + coords
  reduced_formula text NOT NULL,
  chemical_system text NOT NULL,                  -- elements sorted and joined by '-', e.g. 'Li-O-Si'
  n_sites         integer NOT NULL CHECK (n_sites > 0),
  species         text[] NOT NULL,
  lattice_a       jsonb NOT NULL,
  frac_coords     jsonb NOT NULL,
  volume_a3       double precision NOT NULL CHECK (volume_a3 > 0),
  fingerprint     vector(128),
  origin          text NOT NULL CHECK (origin IN ('generated', 'relaxed', 'dft', 'reference', 'user')),
  campaign_id     text REFERENCES campaigns(id),
  round_id        bigint REFERENCES rounds(id),
  parent_id       bigint REFERENCES structures(id),
  duplicate_of_id bigint REFERENCES structures(id),
  idempotency_key text UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX structures_formula_idx ON structures (reduced_formula);
CREATE INDEX structures_system_idx ON structures (chemical_system);
CREATE INDEX structures_campaign_idx ON structures (campaign_id, round_id);
CREATE INDEX structures_fingerprint_hnsw ON structures USING hnsw (fingerprint vector_l2_ops);

CREATE TABLE predictions (
  id                        bigserial PRIMARY KEY,
  structure_id              bigint NOT NULL REFERENCES structures(id),
  model_version_id          bigint NOT NULL REFERENCES model_versions(id),
  relaxed_structure_id      bigint REFERENCES structures(id),
  energy_ev                 double precision NOT NULL,
  energy_per_atom_ev        double precision NOT NULL,
  formation_energy_per_atom_ev double precision,
  e_above_hull_ev_per_atom  double precision,
  max_force_ev_per_a        double precision,
  energy_std_ev_per_atom    double precision,
  max_force_dev_ev_per_a    double precision,
  relax_converged           boolean,
  relax_steps               integer,
  idempotency_key           text UNIQUE,
  created_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX predictions_structure_idx ON predictions (structure_id);

-- One DFT calculation of one structure; attempts holds every try with its parameter changes.
CREATE TABLE dft_calculations (
  id                  bigserial PRIMARY KEY,
  structure_id        bigint REFERENCES structures(id),
  campaign_id         text REFERENCES campaigns(id),
  round_id            bigint REFERENCES rounds(id),
  engine              text NOT NULL CHECK (engine IN ('qe', 'vasp')),
  calculation         text NOT NULL CHECK (calculation IN ('scf', 'relax', 'vc-relax')),
  profile_name        text NOT NULL,
  profile             jsonb NOT NULL,
  level_of_theory     text NOT NULL,              -- hash of the settings that change energies
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'converged', 'failed')),
  failure_reason      text,
  energy_ev           double precision,
  energy_per_atom_ev  double precision,
  forces_ev_per_a     jsonb,                      -- N x 3
  stress_ev_per_a3    jsonb,                      -- 3 x 3, ASE sign (positive = tensile)
  total_magnetization_bohr double precision,
  scf_converged       boolean,
  ionic_converged     boolean,
  final_structure_id  bigint REFERENCES structures(id),
  wall_s              double precision,
  attempts            jsonb NOT NULL DEFAULT '[]',
  scheduler           text NOT NULL DEFAULT 'local' CHECK (scheduler IN ('local', 'slurm')),
  scheduler_job_id    text,
  work_dir            text,
  idempotency_key     text UNIQUE,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dft_structure_idx ON dft_calculations (structure_id);
CREATE INDEX dft_campaign_idx ON dft_calculations (campaign_id, status);

-- Known phases (MP-20 rows, elemental references) that close the convex hull.
CREATE TABLE reference_phases (
  id                            bigserial PRIMARY KEY,
  source                        text NOT NULL,
  external_id                   text NOT NULL,
  structure_id                  bigint REFERENCES structures(id),
  reduced_formula               text NOT NULL,
  chemical_system               text NOT NULL,
  formation_energy_per_atom_ev  double precision,
  e_above_hull_ev_per_atom      double precision,
  level_of_theory               text NOT NULL,
  dft_calculation_id            bigint REFERENCES dft_calculations(id),
  created_at                    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, external_id, level_of_theory)
);
CREATE INDEX reference_phases_system_idx ON reference_phases (chemical_system);

-- Elemental reference energies, per level of theory, so formation energies compare like with like.
CREATE TABLE elemental_references (
  element             text NOT NULL,
  level_of_theory     text NOT NULL,
  energy_per_atom_ev  double precision NOT NULL,
  dft_calculation_id  bigint REFERENCES dft_calculations(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (element, level_of_theory)
);

CREATE TABLE lab_experiments (
  id                bigserial PRIMARY KEY,
  structure_id      bigint NOT NULL REFERENCES structures(id),
  campaign_id       text REFERENCES campaigns(id),
  plugin            text NOT NULL,
  device            text,
  status            text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'approved', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
  request           jsonb NOT NULL DEFAULT '{}',
  result            jsonb,
  files             jsonb NOT NULL DEFAULT '[]',
  failure_reason    text,
  idempotency_key   text UNIQUE,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Provenance: who did what to which row, in order.
CREATE TABLE events (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  campaign_id     text REFERENCES campaigns(id),
  workflow_id     text,
  activity        text,
  kind            text NOT NULL,
  subject_table   text,
  subject_id      text,
  payload         jsonb NOT NULL DEFAULT '{}',
  idempotency_key text UNIQUE
);
CREATE INDEX events_campaign_idx ON events (campaign_id, at);
