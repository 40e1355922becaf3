/**
 * DFT elemental references and DFT-confirmed stability on real components (Temporal dev server,
 * PostgreSQL, pw.x with the QE test profile, the trained `mlearn-committee` MLIP):
 *
 * 1. A Ge campaign (4 prototypes: fcc, bcc, sc, diamond; the 2 lowest predicted get a DFT SCF on
 *    their MLIP-relaxed geometry) computes the Ge reference (diamond, vc-relax) once; the diamond
 *    candidate lands on it (e_above_hull ≈ 0, confirmed), a close-packed one is far above (not
 *    confirmed); the MLIP's formation-energy error on the labels is finite and on a sane scale.
 * 2. A Ge-Si campaign at the same level of theory reuses the Ge reference (still one row) and
 *    computes only Si's.
 *
 * Why Ge and not Si: the test profile's k-point density (1.5 Å) gives a 2-atom diamond cell a
 * 4×4×4 grid below a = 5.44 Å and 3×3×3 above, and pw.x keeps the starting cell's grid through a
 * vc-relax. Si's reference starts at the experimental 5.431 Å (4×4×4) while MLIP-relaxed
 * candidates sit near PBE's 5.47 Å (3×3×3): measured, the same diamond Si then comes out
 * 0.21 eV/atom above its own reference. Ge's grid is 3×3×3 anywhere from 5.45 to 8.1 Å, so the
 * comparison is like with like. (Converged profiles do not have this problem; the test profile is
 * for speed, not for numbers.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoundSummary } from '../../activities/campaign/record-round-summary.js';
import { startTemporalHarness, type TemporalHarness } from '../helpers/temporal-harness.js';
import { siliconCampaign } from './fixtures.js';

describe('DFT elemental references and confirmed stability', () => {
  let h: TemporalHarness;

  beforeAll(async () => {
    h = await startTemporalHarness({
      namespace: 'campaign-dft-references',
      queues: ['cpu', 'dft', 'gpu'],
      concurrency: { dft: 2 },
    });
  });

  afterAll(() => h?.stop());

  const run = (campaignId: string, overrides: Parameters<typeof siliconCampaign>[0]) =>
    h.runCampaign(campaignId, siliconCampaign({ mlip: { model: 'mlearn-committee' }, ...overrides }));

  const references = async () =>
    (
      await h.db.query<{
        idempotency_key: string;
        status: string;
        reference_element: string | null;
        calculation: string;
        energy_per_atom_ev: number;
        campaign_id: string | null;
      }>(
        `SELECT idempotency_key, status, reference_element, calculation, energy_per_atom_ev, campaign_id
           FROM dft_calculations WHERE idempotency_key LIKE 'dft-reference:%' ORDER BY idempotency_key`,
      )
    ).rows;

  it('computes the Ge reference once; diamond Ge is confirmed stable, a close-packed Ge is not', async () => {
    const campaignId = `refs-ge-${Date.now()}`;
    const result = await run(campaignId, {
      chemistry: { systems: ['Ge'] },
      // fcc, bcc, sc, diamond; greedy takes the two lowest predicted (diamond first for this MLIP).
      candidatesPerRound: 4,
      acquisition: { strategy: 'greedy' },
      // SCF on the MLIP-relaxed geometry (the default calculation): the committee was trained on
      // PBE data, so its diamond lattice is within ~1 % of PBE's and the strain energy is a few meV.
      dft: { profile: 'test', calculation: 'scf', budgetPerRound: 2, budgetTotal: 2, maxConcurrent: 2 },
    });
    expect(result.stage).toBe('completed');
    // References are outside the budget: 2 candidates were spent, and the reference ran besides.
    expect(result.dftSpent).toBe(2);
    const refs = await references();
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({
      status: 'converged',
      reference_element: 'Ge',
      calculation: 'vc-relax',
      campaign_id: null,
    });
    const muGe = refs[0]!.energy_per_atom_ev;
    const stored = await h.db.query<{ energy_per_atom_ev: number; dft_calculation_id: string | null }>(
      `SELECT energy_per_atom_ev, dft_calculation_id::text FROM elemental_references WHERE element = 'Ge' AND level_of_theory LIKE 'qe:test:%'`,
    );
    expect(stored.rows).toEqual([{ energy_per_atom_ev: muGe, dft_calculation_id: expect.any(String) }]);

    const candidates = (
      await h.db.query<{
        n_sites: number;
        dft_status: string;
        dft_formation_energy_per_atom_ev: number | null;
        dft_e_above_hull_ev_per_atom: number | null;
        dft_confirmed_stable: boolean | null;
        mlip_formation_energy_error_mev_per_atom: number | null;
        mlip_force_mae_ev_per_a: number | null;
      }>(
        `SELECT n_sites, dft_status, dft_formation_energy_per_atom_ev, dft_e_above_hull_ev_per_atom,
                dft_confirmed_stable, mlip_formation_energy_error_mev_per_atom, mlip_force_mae_ev_per_a
           FROM candidate_review WHERE campaign_id = $1 AND origin = 'relaxed' AND dft_status IS NOT NULL
          ORDER BY dft_e_above_hull_ev_per_atom`,
        [campaignId],
      )
    ).rows;
    console.log('Ge reference μ (eV/atom):', muGe, 'candidates:', candidates);
    expect(candidates.length).toBeGreaterThanOrEqual(2);
    for (const c of candidates) expect(c.dft_status).toBe('converged');
    // Diamond (the only 2-atom Ge prototype) lands on the reference.
    const diamond = candidates.find((c) => c.n_sites === 2)!;
    expect(diamond.dft_e_above_hull_ev_per_atom!).toBeLessThan(0.025);
    expect(Math.abs(diamond.dft_formation_energy_per_atom_ev!)).toBeLessThan(0.025);
    expect(diamond.dft_confirmed_stable).toBe(true);
    // A close-packed Ge is far above the hull (PBE: ≈ 0.2–0.4 eV/atom above diamond).
    const worst = candidates.at(-1)!;
    expect(worst.dft_e_above_hull_ev_per_atom!).toBeGreaterThan(0.05);
    expect(worst.dft_confirmed_stable).toBe(false);
    for (const c of candidates) {
      expect(Number.isFinite(c.mlip_formation_energy_error_mev_per_atom)).toBe(true);
      expect(Number.isFinite(c.mlip_force_mae_ev_per_a)).toBe(true);
    }

    const round = await h.db.query<{ summary: RoundSummary }>(
      'SELECT summary FROM rounds WHERE campaign_id = $1',
      [campaignId],
    );
    const summary = round.rows[0]!.summary;
    console.log('round summary:', summary);
    expect(summary).toMatchObject({
      dftRun: 2,
      dftStabilityNote: null,
      dftLevelNote: expect.stringMatching(/'test' profile.*provisional.*'standard'/),
      dftStabilityAssessed: summary.dftConverged,
      dftConfirmedMaxEAboveHullEvPerAtom: 0.025,
    });
    expect(summary.dftConfirmedStable).toBeGreaterThanOrEqual(1);
    expect(summary.dftConfirmedStable).toBe(candidates.filter((c) => c.dft_confirmed_stable).length);
    expect(summary.hitRate).toBeCloseTo(summary.dftConfirmedStable! / 2, 12);
    expect(Object.values(summary.dftReferences)[0]).toEqual({ Ge: muGe });
    // Formation energies per atom, so the VASP-vs-QE total-energy offset (hundreds of eV/atom) is gone.
    expect(summary.mlipFormationEnergyMaeMevPerAtom).toBeGreaterThanOrEqual(0);
    expect(summary.mlipFormationEnergyMaeMevPerAtom!).toBeLessThan(1000);
    expect(summary.mlipForceMaeEvPerA).toBeGreaterThanOrEqual(0);
    expect(summary.mlipForceMaeEvPerA!).toBeLessThan(5);

    const view = await h.db.query(
      'SELECT dft_confirmed_stable, dft_stability_unassessed FROM campaign_summary WHERE campaign_id = $1',
      [campaignId],
    );
    expect(view.rows[0]).toEqual({
      dft_confirmed_stable: String(summary.dftConfirmedStable),
      dft_stability_unassessed: '0',
    });
    const hull = await h.db.query(
      `SELECT reference_element, formation_energy_per_atom_ev, e_above_hull_ev_per_atom FROM hull_entries WHERE reference_element IS NOT NULL`,
    );
    expect(hull.rows).toEqual([
      {
        reference_element: 'Ge',
        formation_energy_per_atom_ev: expect.closeTo(0, 9),
        e_above_hull_ev_per_atom: expect.closeTo(0, 3),
      },
    ]);
  }, 900_000);

  it('a second campaign at the same level reuses the Ge reference and computes only Si', async () => {
    const before = await references();
    const campaignId = `refs-gesi-${Date.now()}`;
    const result = await run(campaignId, {
      chemistry: { systems: ['Ge-Si'] },
      candidatesPerRound: 11,
      acquisition: { strategy: 'greedy' },
      // One calculation keeps the test short; the point is the references.
      dft: { profile: 'test', calculation: 'scf', budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 2 },
    });
    expect(result.stage).toBe('completed');
    const after = await references();
    expect(after.map((r) => [r.reference_element, r.status])).toEqual([
      ['Ge', 'converged'],
      ['Si', 'converged'],
    ]);
    // The Ge row is the same calculation as before: one row, same energy.
    expect(after.find((r) => r.reference_element === 'Ge')).toMatchObject({
      idempotency_key: before[0]!.idempotency_key,
      energy_per_atom_ev: before[0]!.energy_per_atom_ev,
    });
    const round = await h.db.query<{ summary: RoundSummary }>(
      'SELECT summary FROM rounds WHERE campaign_id = $1',
      [campaignId],
    );
    const summary = round.rows[0]!.summary;
    console.log('Ge-Si round summary:', summary);
    if (summary.dftConverged > 0) {
      expect(summary.dftConfirmedStable).not.toBeNull();
      expect(Object.values(summary.dftReferences)[0]).toMatchObject({ Ge: before[0]!.energy_per_atom_ev });
      expect(summary.mlipFormationEnergyMaeMevPerAtom!).toBeLessThan(1000);
    }
  }, 900_000);
});
