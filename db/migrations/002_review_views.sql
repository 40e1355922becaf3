-- The review surface: read-only views for people who review campaigns in SQL, and the
-- `matdisc_reviewer` role that may read these views and nothing else.
-- Views run with their owner's rights, so the reviewer needs no grant on the tables beneath.

ALTER TABLE dft_calculations
  ADD COLUMN formation_energy_per_atom_ev double precision,
  ADD COLUMN e_above_hull_ev_per_atom double precision;

-- One row per candidate structure of a campaign: what the MLIP predicted, what DFT said, what the lab did.
CREATE VIEW candidate_review AS
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
       s.created_at
  FROM structures s
  LEFT JOIN rounds r ON r.id = s.round_id
  LEFT JOIN LATERAL (SELECT * FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) p ON true
  LEFT JOIN LATERAL (SELECT * FROM dft_calculations d WHERE d.structure_id = s.id ORDER BY d.id DESC LIMIT 1) d ON true
  LEFT JOIN LATERAL (SELECT * FROM lab_experiments l WHERE l.structure_id = s.id ORDER BY l.id DESC LIMIT 1) l ON true
 WHERE s.campaign_id IS NOT NULL AND s.origin IN ('generated', 'relaxed');

-- One row per campaign with its counts.
CREATE VIEW campaign_summary AS
SELECT c.id                                                                  AS campaign_id,
       c.name,
       c.status,
       c.created_at,
       c.updated_at,
       (SELECT count(*) FROM rounds r WHERE r.campaign_id = c.id)            AS rounds,
       (SELECT count(*) FROM structures s WHERE s.campaign_id = c.id AND s.origin = 'generated') AS generated,
       (SELECT count(*) FROM structures s WHERE s.campaign_id = c.id AND s.origin = 'generated' AND s.duplicate_of_id IS NULL) AS unique_generated,
       (SELECT count(*) FROM dft_calculations d WHERE d.campaign_id = c.id)  AS dft_total,
       (SELECT count(*) FROM dft_calculations d WHERE d.campaign_id = c.id AND d.status = 'converged') AS dft_converged,
       (SELECT count(*) FROM dft_calculations d WHERE d.campaign_id = c.id AND d.status = 'failed')    AS dft_failed,
       (SELECT count(*) FROM dft_calculations d WHERE d.campaign_id = c.id AND d.e_above_hull_ev_per_atom <= 0.0) AS dft_on_hull,
       (SELECT count(*) FROM lab_experiments l WHERE l.campaign_id = c.id)   AS lab_experiments
  FROM campaigns c;

-- Every entry that can sit on a convex hull: reference phases and converged DFT results.
CREATE VIEW hull_entries AS
SELECT 'reference'::text                AS kind,
       rp.source || ':' || rp.external_id AS entry_id,
       rp.structure_id,
       rp.reduced_formula,
       rp.chemical_system,
       rp.level_of_theory,
       rp.formation_energy_per_atom_ev,
       rp.e_above_hull_ev_per_atom
  FROM reference_phases rp
UNION ALL
SELECT 'dft'::text, 'dft:' || d.id, d.structure_id, s.reduced_formula, s.chemical_system, d.level_of_theory,
       d.formation_energy_per_atom_ev, d.e_above_hull_ev_per_atom
  FROM dft_calculations d JOIN structures s ON s.id = d.structure_id
 WHERE d.status = 'converged';

-- DFT labels the MLIP is (re)trained on. Energies and forces belong to the final geometry of a
-- relaxation (final_structure_id), or to the input structure of an SCF.
CREATE VIEW training_set AS
SELECT d.id                                   AS dft_calculation_id,
       d.campaign_id,
       d.level_of_theory,
       COALESCE(fs.id, s.id)                  AS structure_id,
       COALESCE(fs.species, s.species)        AS species,
       COALESCE(fs.lattice_a, s.lattice_a)    AS lattice_a,
       COALESCE(fs.frac_coords, s.frac_coords) AS frac_coords,
       d.energy_ev,
       d.energy_per_atom_ev,
       d.forces_ev_per_a,
       d.stress_ev_per_a3,
       d.created_at
  FROM dft_calculations d
  JOIN structures s ON s.id = d.structure_id
  LEFT JOIN structures fs ON fs.id = d.final_structure_id
 WHERE d.status = 'converged' AND d.energy_ev IS NOT NULL AND d.forces_ev_per_a IS NOT NULL;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'matdisc_reviewer') THEN
    CREATE ROLE matdisc_reviewer LOGIN PASSWORD 'reviewer';
  END IF;
END
$$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM matdisc_reviewer;
GRANT USAGE ON SCHEMA public TO matdisc_reviewer;
GRANT SELECT ON candidate_review, campaign_summary, hull_entries, training_set TO matdisc_reviewer;
