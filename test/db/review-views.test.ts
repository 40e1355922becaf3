import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lattice } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { structureFromRow, structureRow } from '../../db/structure-row.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const cubic = [
  [4, 0, 0],
  [0, 4, 0],
  [0, 0, 4],
];

async function seed(t: TestDatabase): Promise<void> {
  const { db } = t;
  await db.query("INSERT INTO campaigns (id, name) VALUES ('c1', 'review test')");
  const round = await db.query<{ id: string }>(
    "INSERT INTO rounds (campaign_id, round_index) VALUES ('c1', 0) RETURNING id",
  );
  const mv = await db.query<{ id: string }>(
    "INSERT INTO model_versions (kind, name, version, file_path, file_sha256) VALUES ('mlip', 'committee', 1, 'x.onnx', 'abc') RETURNING id",
  );
  for (const [i, formula] of ['NaCl', 'KCl'].entries()) {
    const s = await insertOnce(
      db,
      'structures',
      {
        content_hash: `h${i}`,
        reduced_formula: formula,
        chemical_system: formula === 'NaCl' ? 'Cl-Na' : 'Cl-K',
        n_sites: 2,
        species: formula === 'NaCl' ? ['Na', 'Cl'] : ['K', 'Cl'],
        lattice_a: cubic,
        frac_coords: [
          [0, 0, 0],
          [0.5, 0.5, 0.5],
        ],
        volume_a3: 64,
        origin: 'generated',
        campaign_id: 'c1',
        round_id: round.rows[0]!.id,
      },
      `s${i}`,
    );
    await db.query(
      `INSERT INTO predictions (structure_id, model_version_id, energy_ev, energy_per_atom_ev, energy_std_ev_per_atom, max_force_dev_ev_per_a)
       VALUES ($1, $2, -6, -3, 0.01, 0.05)`,
      [s.id, mv.rows[0]!.id],
    );
    await db.query(
      `INSERT INTO dft_calculations (structure_id, campaign_id, engine, calculation, profile_name, profile, level_of_theory, status,
                                     failure_reason, energy_ev, energy_per_atom_ev, forces_ev_per_a, attempts)
       VALUES ($1, 'c1', 'qe', 'scf', 'test', '{}', 'lot', $2, $3, $4, $5, $6, '[{"outcome":"converged"}]')`,
      i === 0
        ? [
            s.id,
            'converged',
            null,
            -7,
            -3.5,
            JSON.stringify([
              [0, 0, 0],
              [0, 0, 0],
            ]),
          ]
        : [s.id, 'failed', 'SCF not converged after 4 attempts', null, null, null],
    );
  }
}

describe.each(DATABASE_KINDS)('review views on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind, { migrated: true });
    await seed(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('candidate_review joins prediction, DFT outcome and reason per candidate', async () => {
    const rows = await t.db.query('SELECT * FROM candidate_review ORDER BY reduced_formula');
    expect(rows.rows.map((r) => [r.reduced_formula, r.dft_status, r.dft_failure_reason])).toEqual([
      ['KCl', 'failed', 'SCF not converged after 4 attempts'],
      ['NaCl', 'converged', null],
    ]);
    expect(rows.rows[1]?.mlip_energy_per_atom_ev).toBe(-3);
  });

  it('candidate_review shows the space group (moyo, symprec 0.1 Å) and the geometry of each candidate', async () => {
    const rockSalt = Structure.create(
      Lattice.fcc(5.64),
      ['Na', 'Cl'],
      [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ],
    );
    // Two atoms 0.05 Å apart: moyo refuses the cell at symprec 0.1; the row is stored with nulls.
    const squeezed = Structure.create(
      Lattice.cubic(4),
      ['Na', 'Na'],
      [
        [0, 0, 0],
        [0.0125, 0, 0],
      ],
    );
    const round = await t.db.query<{ id: string }>("SELECT id FROM rounds WHERE campaign_id = 'c1'");
    for (const [key, s] of [
      ['rock-salt', rockSalt],
      ['squeezed', squeezed],
    ] as const)
      await insertOnce(
        t.db,
        'structures',
        structureRow(s, 'relaxed', { campaign_id: 'c1', round_id: round.rows[0]!.id }),
        key,
      );
    const rows = await t.db.query(
      "SELECT reduced_formula, space_group_number, space_group_symbol, species, lattice_a, frac_coords FROM candidate_review WHERE origin = 'relaxed' ORDER BY reduced_formula",
    );
    expect(rows.rows.map((r) => [r.reduced_formula, r.space_group_number, r.space_group_symbol])).toEqual([
      ['Na', null, null],
      ['NaCl', 225, 'Fm-3m'],
    ]);
    // The geometry in the view rebuilds the structure exactly.
    const back = structureFromRow(rows.rows[1] as Parameters<typeof structureFromRow>[0]);
    expect(back.lattice).toEqual(rockSalt.lattice);
    expect(back.fracCoords).toEqual(rockSalt.fracCoords);
    // The other tests count this campaign's candidates.
    await t.db.query("DELETE FROM structures WHERE idempotency_key IN ('rock-salt', 'squeezed')");
  });

  it('campaign_summary counts DFT outcomes; training_set holds only converged labels', async () => {
    const summary = await t.db.query("SELECT * FROM campaign_summary WHERE campaign_id = 'c1'");
    expect(summary.rows[0]).toMatchObject({
      rounds: '1',
      generated: '2',
      dft_total: '2',
      dft_converged: '1',
      dft_failed: '1',
    });
    const training = await t.db.query('SELECT species, energy_ev FROM training_set');
    expect(training.rows).toEqual([{ species: ['Na', 'Cl'], energy_ev: -7 }]);
  });

  it('the reviewer role reads the views and cannot read tables or write anything', async () => {
    const client = await t.db.pool.connect();
    try {
      await client.query('SET ROLE matdisc_reviewer');
      const ok = await client.query('SELECT count(*)::int AS n FROM candidate_review');
      expect(ok.rows[0].n).toBe(2);
      await expect(client.query('SELECT * FROM dft_calculations')).rejects.toThrow(/permission denied/);
      await expect(client.query("INSERT INTO events (kind) VALUES ('x')")).rejects.toThrow(
        /permission denied/,
      );
      await expect(client.query('DELETE FROM candidate_review')).rejects.toThrow(
        /permission denied|cannot delete/,
      );
    } finally {
      await client.query('RESET ROLE');
      client.release();
    }
  });
});
