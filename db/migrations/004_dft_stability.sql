-- DFT stability and MLIP error on the labels (issue #7).
-- Elemental references are DFT calculations like any other (idempotency key
-- 'dft-reference:<level of theory>:<element>', no campaign, no round), marked by reference_element;
-- their energies per atom go to elemental_references with the calculation's id.
-- Each converged candidate gets its DFT formation energy and e_above_hull (columns of 002) against
-- the hull of the references and every DFT label at its level of theory, whether that confirms it
-- stable under its campaign's threshold (or why that cannot be said), and the MLIP's numbers on the
-- same geometry: energy, formation energy against the MLIP's energies of the DFT reference
-- geometries, and force MAE over the 3N components.

ALTER TABLE dft_calculations
  ADD COLUMN reference_element                  text,
  ADD COLUMN dft_confirmed_stable               boolean,
  ADD COLUMN stability_note                     text,
  ADD COLUMN mlip_model_version_id              bigint REFERENCES model_versions(id),
  ADD COLUMN mlip_energy_ev                     double precision,
  ADD COLUMN mlip_formation_energy_per_atom_ev  double precision,
  ADD COLUMN mlip_force_mae_ev_per_a            double precision;
CREATE INDEX dft_level_idx ON dft_calculations (level_of_theory, status);

-- Views may only gain columns at the end (CREATE OR REPLACE VIEW); grants are kept and re-stated.
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
       d.dft_confirmed_stable,
       d.stability_note                      AS dft_stability_note,
       d.level_of_theory                     AS dft_level_of_theory,
       d.mlip_formation_energy_per_atom_ev   AS mlip_formation_energy_on_dft_geometry_ev_per_atom,
       1000 * (d.mlip_formation_energy_per_atom_ev - d.formation_energy_per_atom_ev)
                                             AS mlip_formation_energy_error_mev_per_atom,
       d.mlip_force_mae_ev_per_a
  FROM structures s
  LEFT JOIN rounds r ON r.id = s.round_id
  LEFT JOIN LATERAL (SELECT * FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) p ON true
  LEFT JOIN LATERAL (SELECT * FROM dft_calculations d WHERE d.structure_id = s.id ORDER BY d.id DESC LIMIT 1) d ON true
  LEFT JOIN LATERAL (SELECT * FROM lab_experiments l WHERE l.structure_id = s.id ORDER BY l.id DESC LIMIT 1) l ON true
 WHERE s.campaign_id IS NOT NULL AND s.origin IN ('generated', 'relaxed');

CREATE OR REPLACE VIEW campaign_summary AS
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
       (SELECT count(*) FROM lab_experiments l WHERE l.campaign_id = c.id)   AS lab_experiments,
       (SELECT count(*) FROM dft_calculations d WHERE d.campaign_id = c.id AND d.dft_confirmed_stable) AS dft_confirmed_stable,
       (SELECT count(*) FROM dft_calculations d WHERE d.campaign_id = c.id AND d.status = 'converged' AND d.dft_confirmed_stable IS NULL) AS dft_stability_unassessed
  FROM campaigns c;

CREATE OR REPLACE VIEW hull_entries AS
SELECT 'reference'::text                AS kind,
       rp.source || ':' || rp.external_id AS entry_id,
       rp.structure_id,
       rp.reduced_formula,
       rp.chemical_system,
       rp.level_of_theory,
       rp.formation_energy_per_atom_ev,
       rp.e_above_hull_ev_per_atom,
       NULL::text                       AS reference_element,
       NULL::boolean                    AS dft_confirmed_stable
  FROM reference_phases rp
UNION ALL
SELECT 'dft'::text, 'dft:' || d.id, d.structure_id, s.reduced_formula, s.chemical_system, d.level_of_theory,
       d.formation_energy_per_atom_ev, d.e_above_hull_ev_per_atom, d.reference_element, d.dft_confirmed_stable
  FROM dft_calculations d JOIN structures s ON s.id = d.structure_id
 WHERE d.status = 'converged';

GRANT SELECT ON candidate_review, campaign_summary, hull_entries TO matdisc_reviewer;
