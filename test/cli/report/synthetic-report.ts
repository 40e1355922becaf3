/**
 * A report's data without a database: two rounds, candidates of the binary Ge-Si and the ternary
 * Li-O-Si systems with MLIP and DFT energies, and DFT hull entries, so both kinds of hull diagram
 * and every plot have points. Energies are made up but shaped like a real campaign's.
 */
import { Structure } from '../../../crystal/structure.js';
import type { ReportCandidate, ReportData } from '../../../cli/report/report-data.js';

const cell = (species: string[]): Structure => {
  const n = species.length;
  const a = 3 + n;
  return Structure.create(
    [
      [a, 0, 0],
      [0, a, 0],
      [0, 0, a],
    ],
    species,
    species.map((_, i) => [i / n, (i * 0.5) / n, (i * 0.25) / n]),
  );
};

const species = (formula: string): string[] =>
  [...formula.matchAll(/([A-Z][a-z]?)(\d*)/g)].flatMap(([, el, k]) => Array(Number(k || 1)).fill(el));

let nextId = 100;
function candidate(
  formula: string,
  system: string,
  round: number,
  mlip: { e: number; ef: number; eHull: number; std: number },
  dft?: { e: number; ef: number | null; eHull: number | null },
): ReportCandidate {
  const structure = cell(species(formula));
  return {
    structure_id: String(nextId++),
    round_index: round,
    reduced_formula: formula,
    chemical_system: system,
    n_sites: structure.species.length,
    duplicate_of_id: null,
    mlip_version_id: String(round + 1),
    mlip_energy_per_atom_ev: mlip.e,
    mlip_formation_energy_per_atom_ev: mlip.ef,
    mlip_e_above_hull_ev_per_atom: mlip.eHull,
    mlip_energy_std_ev_per_atom: mlip.std,
    mlip_max_force_dev_ev_per_a: mlip.std * 4,
    dft_status: dft ? 'converged' : null,
    dft_failure_reason: null,
    dft_energy_per_atom_ev: dft?.e ?? null,
    dft_formation_energy_per_atom_ev: dft?.ef ?? null,
    dft_e_above_hull_ev_per_atom: dft?.eHull ?? null,
    lab_status: null,
    extra: {
      dft_confirmed_stable: dft ? (dft.eHull ?? 1) <= 0.05 : null,
      mlip_formation_energy_on_dft_geometry_ev_per_atom: dft ? mlip.ef + 0.01 : null,
      lab_device: null,
    },
    structure,
  };
}

export function syntheticReport(): ReportData {
  const candidates = [
    candidate(
      'GeSi',
      'Ge-Si',
      0,
      { e: -4.9, ef: 0.02, eHull: 0.02, std: 0.03 },
      { e: -4.95, ef: 0.01, eHull: 0.01 },
    ),
    candidate('Ge3Si', 'Ge-Si', 0, { e: -4.7, ef: -0.01, eHull: 0, std: 0.05 }),
    candidate(
      'GeSi3',
      'Ge-Si',
      1,
      { e: -5.1, ef: 0.05, eHull: 0.05, std: 0.02 },
      { e: -5.05, ef: 0.04, eHull: 0.04 },
    ),
    candidate(
      'Li2O',
      'Li-O',
      0,
      { e: -4.8, ef: -2.0, eHull: 0, std: 0.04 },
      { e: -4.75, ef: -2.05, eHull: 0 },
    ),
    candidate(
      'SiO2',
      'O-Si',
      0,
      { e: -7.9, ef: -3.0, eHull: 0, std: 0.06 },
      { e: -7.98, ef: -3.1, eHull: 0 },
    ),
    candidate(
      'Li2SiO3',
      'Li-O-Si',
      1,
      { e: -6.5, ef: -2.6, eHull: 0, std: 0.08 },
      { e: -6.6, ef: -2.7, eHull: 0 },
    ),
    candidate('Li4SiO4', 'Li-O-Si', 1, { e: -6.0, ef: -2.3, eHull: 0.05, std: 0.1 }),
    candidate('LiSi', 'Li-Si', 1, { e: -3.2, ef: -0.2, eHull: 0, std: 0.07 }),
  ];
  return {
    campaign_id: 'synthetic-campaign',
    name: 'synthetic',
    status: 'completed',
    systems: ['Li-O-Si', 'Ge-Si'],
    summary: {
      campaign_id: 'synthetic-campaign',
      name: 'synthetic',
      status: 'completed',
      rounds: 2,
      generated: 8,
      dft_total: 5,
    },
    rounds: [0, 1].map((k) => ({
      round_index: k,
      stage: 'summary',
      summary: {
        generated: 4,
        unique: 4,
        predictedStable: 2,
        dftRun: k === 0 ? 3 : 2,
        dftConverged: k === 0 ? 3 : 2,
        dftFailed: 0,
        dftConfirmedStable: k === 0 ? 2 : 1,
        hitRate: k === 0 ? 2 / 3 : 0.5,
        mlipMaeEvPerAtom: k === 0 ? 0.05 : 0.07,
      },
      mlip_version_id: String(k + 1),
      mlip_model: `test-committee v${k + 1}`,
      started_at: null,
      finished_at: null,
    })),
    candidates,
    hull_entries: candidates
      .filter((c) => c.dft_formation_energy_per_atom_ev !== null)
      .map((c) => ({
        kind: 'dft',
        entry_id: `dft:${c.structure_id}`,
        structure_id: c.structure_id,
        reduced_formula: c.reduced_formula,
        chemical_system: c.chemical_system,
        level_of_theory: 'qe:test:abc',
        formation_energy_per_atom_ev: c.dft_formation_energy_per_atom_ev!,
        e_above_hull_ev_per_atom: c.dft_e_above_hull_ev_per_atom,
      })),
  };
}
