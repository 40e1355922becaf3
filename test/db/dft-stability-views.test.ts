/**
 * The DFT stability columns of migration 004 in the review views, read as the reviewer role, on
 * both databases: candidate_review (confirmed stable, note, MLIP formation-energy error),
 * campaign_summary (confirmed and unassessed counts) and hull_entries (reference element).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOnce } from '../../db/idempotent-insert.js';
import type { StructureOrigin } from '../../db/structure-row.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const fcc = (a: number) => [
  [0, a / 2, a / 2],
  [a / 2, 0, a / 2],
  [a / 2, a / 2, 0],
];

async function seed(t: TestDatabase): Promise<void> {
  const { db } = t;
  await db.query("INSERT INTO campaigns (id, name) VALUES ('c1', 'stability views')");
  const round = await db.query<{ id: string }>(
    "INSERT INTO rounds (campaign_id, round_index) VALUES ('c1', 0) RETURNING id",
  );
  const structure = async (
    key: string,
    origin: StructureOrigin,
    campaign: string | null,
    species: string[],
  ) =>
    (
      await insertOnce(
        db,
        'structures',
        {
          content_hash: key,
          reduced_formula: species.length === 2 && species[0] !== species[1] ? 'SiGe' : species[0]!,
          chemical_system: [...new Set(species)].sort().join('-'),
          n_sites: species.length,
          species,
          lattice_a: fcc(5.5),
          frac_coords: [
            [0, 0, 0],
            [0.25, 0.25, 0.25],
          ],
          volume_a3: 41.6,
          origin,
          campaign_id: campaign,
          round_id: campaign ? round.rows[0]!.id : null,
        },
        key,
      )
    ).id;
  const dft = async (sid: string, campaign: string | null, extra: Record<string, unknown>, key: string) =>
    insertOnce(
      db,
      'dft_calculations',
      {
        structure_id: sid,
        campaign_id: campaign,
        engine: 'qe',
        calculation: 'vc-relax',
        profile_name: 'test',
        profile: {},
        level_of_theory: 'qe:test:x',
        status: 'converged',
        energy_ev: -310,
        energy_per_atom_ev: -155,
        ...extra,
      },
      key,
    );
  const ref = await structure('ref-si', 'reference', null, ['Si', 'Si']);
  await dft(
    ref,
    null,
    { reference_element: 'Si', formation_energy_per_atom_ev: 0, e_above_hull_ev_per_atom: 0 },
    'dft-reference:qe:test:x:Si',
  );
  const stable = await structure('cand-si', 'relaxed', 'c1', ['Si', 'Si']);
  await dft(
    stable,
    'c1',
    {
      formation_energy_per_atom_ev: 0.001,
      e_above_hull_ev_per_atom: 0.001,
      dft_confirmed_stable: true,
      mlip_formation_energy_per_atom_ev: 0.021,
      mlip_force_mae_ev_per_a: 0.05,
    },
    'c1:dft:si',
  );
  const unassessed = await structure('cand-sige', 'relaxed', 'c1', ['Si', 'Ge']);
  await dft(
    unassessed,
    'c1',
    { stability_note: 'no DFT elemental reference at qe:test:x for Ge (calculation failed: …)' },
    'c1:dft:sige',
  );
}

describe.each(DATABASE_KINDS)('DFT stability columns in the review views on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind, { migrated: true });
    await seed(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('the reviewer reads confirmed stability, reasons, MLIP errors and references', async () => {
    const client = await t.db.pool.connect();
    try {
      await client.query('SET ROLE matdisc_reviewer');
      const review = await client.query(
        `SELECT reduced_formula, dft_e_above_hull_ev_per_atom, dft_confirmed_stable, dft_stability_note,
                dft_level_of_theory, mlip_formation_energy_error_mev_per_atom, mlip_force_mae_ev_per_a
           FROM candidate_review WHERE campaign_id = 'c1' ORDER BY reduced_formula`,
      );
      expect(review.rows).toEqual([
        {
          reduced_formula: 'Si',
          dft_e_above_hull_ev_per_atom: 0.001,
          dft_confirmed_stable: true,
          dft_stability_note: null,
          dft_level_of_theory: 'qe:test:x',
          mlip_formation_energy_error_mev_per_atom: expect.closeTo(20, 9),
          mlip_force_mae_ev_per_a: 0.05,
        },
        {
          reduced_formula: 'SiGe',
          dft_e_above_hull_ev_per_atom: null,
          dft_confirmed_stable: null,
          dft_stability_note: expect.stringMatching(/no DFT elemental reference .* Ge/),
          dft_level_of_theory: 'qe:test:x',
          mlip_formation_energy_error_mev_per_atom: null,
          mlip_force_mae_ev_per_a: null,
        },
      ]);
      const summary = await client.query(
        "SELECT dft_total, dft_confirmed_stable, dft_stability_unassessed FROM campaign_summary WHERE campaign_id = 'c1'",
      );
      // The reference belongs to no campaign: two candidate calculations.
      expect(summary.rows[0]).toEqual({
        dft_total: '2',
        dft_confirmed_stable: '1',
        dft_stability_unassessed: '1',
      });
      const hull = await client.query(
        "SELECT reduced_formula, reference_element, dft_confirmed_stable FROM hull_entries WHERE level_of_theory = 'qe:test:x' ORDER BY entry_id",
      );
      expect(hull.rows).toEqual([
        { reduced_formula: 'Si', reference_element: 'Si', dft_confirmed_stable: null },
        { reduced_formula: 'Si', reference_element: null, dft_confirmed_stable: true },
        { reduced_formula: 'SiGe', reference_element: null, dft_confirmed_stable: null },
      ]);
      await expect(client.query('SELECT reference_element FROM dft_calculations')).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await client.query('RESET ROLE');
      client.release();
    }
  });
});
