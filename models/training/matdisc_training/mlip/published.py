"""Published test-set errors of GAP and MTP on the mlearn benchmark, for comparison in model cards.

Zuo et al., "Performance and Cost Assessment of Machine Learning Interatomic Potentials",
J. Phys. Chem. A 124, 731 (2020), doi:10.1021/acs.jpca.9b08723: energy MAE in meV/atom, force MAE
in eV/Å, on the same *_test sets as in shared/data/mlip/mlearn_zuo2020.
"""

ZUO_2020 = {
    "Ni": {"gap": {"energy_mae_mev_per_atom": 0.42, "force_mae_ev_per_a": 0.02}, "mtp": {"energy_mae_mev_per_atom": 0.48, "force_mae_ev_per_a": 0.01}},
    "Cu": {"gap": {"energy_mae_mev_per_atom": 0.46, "force_mae_ev_per_a": 0.01}, "mtp": {"energy_mae_mev_per_atom": 0.41, "force_mae_ev_per_a": 0.01}},
    "Li": {"gap": {"energy_mae_mev_per_atom": 0.49, "force_mae_ev_per_a": 0.01}, "mtp": {"energy_mae_mev_per_atom": 0.49, "force_mae_ev_per_a": 0.01}},
    "Mo": {"gap": {"energy_mae_mev_per_atom": 2.24, "force_mae_ev_per_a": 0.09}, "mtp": {"energy_mae_mev_per_atom": 2.83, "force_mae_ev_per_a": 0.09}},
    "Si": {"gap": {"energy_mae_mev_per_atom": 2.91, "force_mae_ev_per_a": 0.07}, "mtp": {"energy_mae_mev_per_atom": 2.21, "force_mae_ev_per_a": 0.06}},
    "Ge": {"gap": {"energy_mae_mev_per_atom": 2.06, "force_mae_ev_per_a": 0.05}, "mtp": {"energy_mae_mev_per_atom": 1.79, "force_mae_ev_per_a": 0.05}},
}

CITATION = "Zuo et al., J. Phys. Chem. A 124, 731 (2020), doi:10.1021/acs.jpca.9b08723"
