-- Lab experiments driven by robot plugins (activities/lab/README.md), and the device locks that
-- let a device run one job at a time (AlabOS-style resource locking).
--
-- lab_experiments (001) gains what a long, retried, operator-approved experiment needs: the
-- workflow that owns it, why the candidate was chosen, the robot job being waited for (and every
-- job tried before it), the task token of the activity waiting for it (async completion), the
-- last progress report, the operator's decision, and timestamps. `result` holds the measured
-- data, `files` the files the robot produced ([{name, url, mediaType, bytes, sha256}]).

ALTER TABLE lab_experiments DROP CONSTRAINT lab_experiments_status_check;
ALTER TABLE lab_experiments ADD CONSTRAINT lab_experiments_status_check CHECK (status IN
  ('requested',   -- recorded, waiting for an operator's approval
   'approved',    -- approved (or no approval required), not yet holding a device
   'queued',      -- waiting for a free device
   'running',     -- a robot job is submitted and being waited for
   'succeeded', 'failed', 'cancelled', 'timed_out', 'rejected'));

ALTER TABLE lab_experiments
  ADD COLUMN round_id           bigint REFERENCES rounds(id),
  ADD COLUMN workflow_id        text,
  ADD COLUMN selection          jsonb,                  -- the criteria and values that chose this candidate
  ADD COLUMN robot_job_id       text,                   -- the job being waited for
  ADD COLUMN jobs               jsonb NOT NULL DEFAULT '[]', -- every job submitted: [{jobId, key, state, reason, submittedAt, finishedAt}]
  ADD COLUMN task_token         text,                   -- base64 task token of the waiting activity attempt
  ADD COLUMN progress           jsonb,                  -- the robot's last report
  ADD COLUMN decided_by         text,
  ADD COLUMN decision_note      text,
  ADD COLUMN decided_at         timestamptz,
  ADD COLUMN device_acquired_at timestamptz,
  ADD COLUMN started_at         timestamptz,
  ADD COLUMN finished_at        timestamptz;
CREATE INDEX lab_experiments_structure_idx ON lab_experiments (structure_id);
CREATE INDEX lab_experiments_running_idx ON lab_experiments (plugin, status);

-- One row per device. A device is held by at most one experiment, under a lease: the holder
-- renews it while its job runs (progress reports, the lab worker's poller), releases it when the
-- experiment ends; a lease that runs out (holder's workflow terminated, every lab worker gone) frees
-- the device for the next request. Rows are created on first use.
CREATE TABLE lab_devices (
  name                 text PRIMARY KEY,
  plugin               text NOT NULL,
  holder_experiment_id bigint REFERENCES lab_experiments(id),
  lease_expires_at     timestamptz,
  acquired_at          timestamptz,
  jobs_run             integer NOT NULL DEFAULT 0,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- candidate_review as of 004, with the lab's columns appended (CREATE OR REPLACE VIEW may only add
-- columns at the end; the reviewer's grant carries over).
CREATE OR REPLACE VIEW candidate_review AS
SELECT s.id                                  AS structure_id,
       s.campaign_id,
       r.round_index,
       s.reduced_formula,
       s.chemical_system,
       s.n_sites,
       s.origin,
       s.duplicate_of_id,
       p.model_version_id                    AS mlip_version_id,
       p.energy_per_atom_ev                  AS mlip_energy_per_atom_ev,
       p.e_above_hull_ev_per_atom            AS mlip_e_above_hull_ev_per_atom,
       p.energy_std_ev_per_atom              AS mlip_energy_std_ev_per_atom,
       p.max_force_dev_ev_per_a              AS mlip_max_force_dev_ev_per_a,
       d.id                                  AS dft_calculation_id,
       d.status                              AS dft_status,
       d.failure_reason                      AS dft_failure_reason,
       d.energy_per_atom_ev                  AS dft_energy_per_atom_ev,
       d.formation_energy_per_atom_ev        AS dft_formation_energy_per_atom_ev,
       d.e_above_hull_ev_per_atom            AS dft_e_above_hull_ev_per_atom,
       jsonb_array_length(d.attempts)        AS dft_attempts,
       l.status                              AS lab_status,
       l.result                              AS lab_result,
       s.created_at,
       -- 004's DFT stability columns, unchanged (a replaced view keeps its columns in order)
       d.dft_confirmed_stable,
       d.stability_note                      AS dft_stability_note,
       d.level_of_theory                     AS dft_level_of_theory,
       d.mlip_formation_energy_per_atom_ev   AS mlip_formation_energy_on_dft_geometry_ev_per_atom,
       1000 * (d.mlip_formation_energy_per_atom_ev - d.formation_energy_per_atom_ev)
                                             AS mlip_formation_energy_error_mev_per_atom,
       d.mlip_force_mae_ev_per_a,
       l.id                                  AS lab_experiment_id,
       l.plugin                              AS lab_plugin,
       l.device                              AS lab_device,
       l.failure_reason                      AS lab_failure_reason,
       l.files                               AS lab_files,
       jsonb_array_length(l.jobs)            AS lab_jobs,
       l.progress                            AS lab_progress,
       l.updated_at                          AS lab_updated_at
  FROM structures s
  LEFT JOIN rounds r ON r.id = s.round_id
  LEFT JOIN LATERAL (SELECT * FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) p ON true
  LEFT JOIN LATERAL (SELECT * FROM dft_calculations d WHERE d.structure_id = s.id ORDER BY d.id DESC LIMIT 1) d ON true
  LEFT JOIN LATERAL (SELECT * FROM lab_experiments l WHERE l.structure_id = s.id ORDER BY l.id DESC LIMIT 1) l ON true
 WHERE s.campaign_id IS NOT NULL AND s.origin IN ('generated', 'relaxed');

-- What each device is doing, for reviewers.
CREATE VIEW lab_device_status AS
SELECT d.name AS device, d.plugin, d.holder_experiment_id, l.structure_id, l.status AS holder_status,
       d.lease_expires_at, d.lease_expires_at < now() AS lease_expired, d.acquired_at, d.jobs_run
  FROM lab_devices d
  LEFT JOIN lab_experiments l ON l.id = d.holder_experiment_id;
GRANT SELECT ON candidate_review, lab_device_status TO matdisc_reviewer;
