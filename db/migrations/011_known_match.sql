-- Novelty against what is known (issue 16, item 4): whether a candidate is an imported reference
-- phase (`matdisc db import-reference`): among the phases of the same reduced formula, the one the
-- structure matcher (ltol 0.2, stol 0.3, angle_tol 5, as deduplication) fits with the least RMS
-- displacement. One row per checked structure, written once by the deduplicate activity
-- (activities/campaign/deduplicate.ts, db/known-matches.ts): reference_phase_id null = no match
-- among reference_phases_compared phases. Phases imported after the check are not seen by it.
-- candidate_review is restated (010's definition) with the result appended.
CREATE TABLE known_matches (
  structure_id              bigint PRIMARY KEY REFERENCES structures(id),
  reference_phase_id        bigint REFERENCES reference_phases(id),
  -- RMS site displacement of the match, normalised by (V/N)^(1/3) as pymatgen's get_rms_dist
  rms                       double precision,
  reference_phases_compared integer NOT NULL CHECK (reference_phases_compared >= 0),
  checked_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX known_matches_reference_idx ON known_matches (reference_phase_id);

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
       l.updated_at                          AS lab_updated_at,
       -- 008: the formation energy with MP2020-style anion corrections (campaign/mp2020-corrections.ts),
       -- for comparison with experiment and the Materials Project; decisions use the raw value.
       d.formation_energy_mp2020_ev_per_atom AS dft_formation_energy_mp2020_ev_per_atom,
       d.mp2020_correction                   AS dft_mp2020_correction,
       -- 009: space groups (moyo, symprec 0.1 Å) of the candidate and of the DFT structure (010: the
       -- final structure, else the input cell), and the candidate's geometry, so a reviewer can
       -- rebuild it (ASE, pymatgen) from this view.
       s.space_group_number,
       s.space_group_symbol,
       f.space_group_number                  AS dft_space_group_number,
       f.space_group_symbol                  AS dft_space_group_symbol,
       s.species,
       s.lattice_a,
       s.frac_coords,
       -- 010: the cell the DFT code was given (the candidate refined to its space group and
       -- standardised to the primitive cell, or the candidate itself) and what was done to it.
       d.input_structure_id                  AS dft_input_structure_id,
       d.input_symmetrization->>'status'     AS dft_input_symmetrization,
       d.input_symmetrization->>'note'       AS dft_input_note,
       -- 011: the imported reference phase the candidate matches (same reduced formula, then the
       -- structure matcher), as 'source:external_id'; null with known_match_checked true: no match
       -- among the phases compared; known_match_checked false: not checked (generated rows, and
       -- candidates of rounds before this migration).
       km.structure_id IS NOT NULL           AS known_match_checked,
       kr.source || ':' || kr.external_id    AS known_match,
       km.reference_phase_id                 AS known_match_reference_phase_id,
       km.rms                                AS known_match_rms,
       km.reference_phases_compared          AS known_match_phases_compared
  FROM structures s
  LEFT JOIN rounds r ON r.id = s.round_id
  LEFT JOIN LATERAL (SELECT * FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) p ON true
  LEFT JOIN LATERAL (SELECT * FROM dft_calculations d WHERE d.structure_id = s.id ORDER BY d.id DESC LIMIT 1) d ON true
  LEFT JOIN structures f ON f.id = coalesce(d.final_structure_id, d.input_structure_id, d.structure_id)
  LEFT JOIN LATERAL (SELECT * FROM lab_experiments l WHERE l.structure_id = s.id ORDER BY l.id DESC LIMIT 1) l ON true
  LEFT JOIN known_matches km ON km.structure_id = s.id
  LEFT JOIN reference_phases kr ON kr.id = km.reference_phase_id
 WHERE s.campaign_id IS NOT NULL AND s.origin IN ('generated', 'relaxed');

GRANT SELECT ON candidate_review TO matdisc_reviewer;
