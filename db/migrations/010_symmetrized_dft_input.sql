-- Symmetrised DFT input (issue 16): a candidate's DFT calculation is given its relaxed cell refined to
-- the space group found at symprec 0.1 Å and standardised to the primitive cell
-- (dft/symmetrize-input.ts), stored as a structure of its own (origin 'dft', parent = the
-- candidate). `input_structure_id` is the cell the engine was given (null for calculations stored
-- before this migration and those not asked to symmetrise, e.g. elemental references: their input is
-- `structure_id`); `input_symmetrization` records what was done or why the relaxed cell was kept
-- (`InputSymmetrization`: status, reason, note, space group, sites before/after, displacement).
-- The energy and forces of an SCF belong to that input cell, so the geometry of a DFT label is now
-- coalesce(final_structure_id, input_structure_id, structure_id): training_set and candidate_review
-- are restated with it (002's and 009's definitions, columns appended at the end).
ALTER TABLE dft_calculations
  ADD COLUMN input_structure_id bigint REFERENCES structures(id),
  ADD COLUMN input_symmetrization jsonb;

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
       d.input_symmetrization->>'note'       AS dft_input_note
  FROM structures s
  LEFT JOIN rounds r ON r.id = s.round_id
  LEFT JOIN LATERAL (SELECT * FROM predictions p WHERE p.structure_id = s.id ORDER BY p.id DESC LIMIT 1) p ON true
  LEFT JOIN LATERAL (SELECT * FROM dft_calculations d WHERE d.structure_id = s.id ORDER BY d.id DESC LIMIT 1) d ON true
  LEFT JOIN structures f ON f.id = coalesce(d.final_structure_id, d.input_structure_id, d.structure_id)
  LEFT JOIN LATERAL (SELECT * FROM lab_experiments l WHERE l.structure_id = s.id ORDER BY l.id DESC LIMIT 1) l ON true
 WHERE s.campaign_id IS NOT NULL AND s.origin IN ('generated', 'relaxed');

-- DFT labels the MLIP is (re)trained on. Energies and forces belong to the final geometry of a
-- relaxation (final_structure_id), or to the input cell of an SCF (input_structure_id, else structure_id).
CREATE OR REPLACE VIEW training_set AS
SELECT d.id                                              AS dft_calculation_id,
       d.campaign_id,
       d.level_of_theory,
       COALESCE(fs.id, i.id, s.id)                       AS structure_id,
       COALESCE(fs.species, i.species, s.species)        AS species,
       COALESCE(fs.lattice_a, i.lattice_a, s.lattice_a)  AS lattice_a,
       COALESCE(fs.frac_coords, i.frac_coords, s.frac_coords) AS frac_coords,
       d.energy_ev,
       d.energy_per_atom_ev,
       d.forces_ev_per_a,
       d.stress_ev_per_a3,
       d.created_at
  FROM dft_calculations d
  JOIN structures s ON s.id = d.structure_id
  LEFT JOIN structures i ON i.id = d.input_structure_id
  LEFT JOIN structures fs ON fs.id = d.final_structure_id
 WHERE d.status = 'converged' AND d.energy_ev IS NOT NULL AND d.forces_ev_per_a IS NOT NULL;

GRANT SELECT ON candidate_review, training_set TO matdisc_reviewer;
