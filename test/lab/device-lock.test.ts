/**
 * Device locks and lab selection at the database level, on both databases matdisc supports: one
 * holder per device, a lease that runs out frees the device (a crashed holder), a pool hands two
 * experiments two devices (`FOR UPDATE SKIP LOCKED`), and `selectForLab` picks by DFT
 * e_above_hull where stored and by the MLIP prediction where not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice, releaseDevice, renewDeviceLease } from '../../db/lab-devices.js';
import { createLabActivities } from '../../activities/lab/lab-activities.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { seedCandidates } from './lab-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DATABASE_KINDS)('lab device locks and selection on %s', (kind) => {
  let t: TestDatabase;
  let experiments: string[];
  let structures: string[];

  beforeAll(async () => {
    t = await openTestDatabase(kind, { migrated: true });
    structures = await seedCandidates(t.db, 'c-lock', 4);
    experiments = [];
    for (const [i, s] of structures.entries())
      experiments.push(
        (
          await t.db.query<{ id: string }>(
            `INSERT INTO lab_experiments (structure_id, campaign_id, plugin, status, idempotency_key)
             VALUES ($1, 'c-lock', 'http-robot', 'approved', $2) RETURNING id::text AS id`,
            [s, `k${i}`],
          )
        ).rows[0]!.id,
      );
  });
  afterAll(async () => {
    await t.close();
  });

  it('one holder per device; a released device goes to the next; a retried acquire renews', async () => {
    const [a, b] = experiments as [string, string];
    const lease = { plugin: 'http-robot', devices: ['d1'], leaseTtlMs: 60_000 };
    expect((await acquireDevice(t.db, { ...lease, experimentId: a }))?.device).toBe('d1');
    expect(await acquireDevice(t.db, { ...lease, experimentId: b })).toBeNull();
    expect((await acquireDevice(t.db, { ...lease, experimentId: a }))?.device).toBe('d1'); // retry of the holder
    expect(await renewDeviceLease(t.db, a, 60_000)).toBe(true);
    await releaseDevice(t.db, a, true);
    expect(await renewDeviceLease(t.db, a, 60_000)).toBe(false);
    expect((await acquireDevice(t.db, { ...lease, experimentId: b }))?.device).toBe('d1');
    await releaseDevice(t.db, b, true);
    const d = await t.db.query(`SELECT jobs_run, holder_experiment_id FROM lab_devices WHERE name = 'd1'`);
    expect(d.rows[0]).toEqual({ jobs_run: 2, holder_experiment_id: null });
    const e = await t.db.query(`SELECT device FROM lab_experiments WHERE id = $1`, [b]);
    expect(e.rows[0]!.device).toBe('d1');
  });

  it('a holder that vanished frees the device when its lease runs out', async () => {
    const [a, b] = experiments as [string, string];
    const lease = { plugin: 'http-robot', devices: ['d2'] };
    expect(await acquireDevice(t.db, { ...lease, experimentId: a, leaseTtlMs: 300 })).not.toBeNull();
    expect(await acquireDevice(t.db, { ...lease, experimentId: b, leaseTtlMs: 60_000 })).toBeNull();
    await sleep(400); // the holder crashed and never renewed
    expect((await acquireDevice(t.db, { ...lease, experimentId: b, leaseTtlMs: 60_000 }))?.device).toBe('d2');
    expect(await renewDeviceLease(t.db, a, 60_000)).toBe(false); // the old holder learns it lost the lease
    await releaseDevice(t.db, b, false);
  });

  it('a pool of devices: concurrent requests get different devices, the third waits', async () => {
    const lease = { plugin: 'http-robot', devices: ['p1', 'p2'], leaseTtlMs: 60_000 };
    const got = await Promise.all(
      experiments.slice(0, 3).map((experimentId) => acquireDevice(t.db, { ...lease, experimentId })),
    );
    const names = got.map((g) => g?.device ?? null);
    expect(names.filter((n) => n !== null).sort()).toEqual(['p1', 'p2']);
    expect(names.filter((n) => n === null)).toHaveLength(1);
    for (const e of experiments) await releaseDevice(t.db, e, false);
  });

  it('selectForLab: converged DFT within the window, DFT e_above_hull first, else the MLIP prediction', async () => {
    const db = t.db;
    const round = await db.query<{ id: string }>(
      `INSERT INTO rounds (campaign_id, round_index) VALUES ('c-lock', 0) RETURNING id::text AS id`,
    );
    const mv = await db.query<{ id: string }>(
      `INSERT INTO model_versions (kind, name, version, file_path, file_sha256) VALUES ('mlip', 'm', 1, 'm.onnx', 'x') RETURNING id`,
    );
    // [dft status, dft e_hull, mlip e_hull]
    const cases: [string, number | null, number][] = [
      ['converged', 0.01, 0.5], // DFT says near the hull: in (basis dft)
      ['converged', null, 0.02], // no DFT e_hull yet: MLIP decides, in (basis mlip)
      ['converged', 0.2, 0.0], // DFT says far: out, whatever the MLIP says
      ['failed', null, 0.0], // DFT failed: out
    ];
    for (const [i, [status, dftHull, mlipHull]] of cases.entries()) {
      await db.query(
        `INSERT INTO predictions (structure_id, model_version_id, energy_ev, energy_per_atom_ev, e_above_hull_ev_per_atom)
         VALUES ($1, $2, -10, -5, $3)`,
        [structures[i], mv.rows[0]!.id, mlipHull],
      );
      await db.query(
        `INSERT INTO dft_calculations (structure_id, campaign_id, round_id, engine, calculation, profile_name, profile,
                                       level_of_theory, status, e_above_hull_ev_per_atom)
         VALUES ($1, 'c-lock', $2, 'qe', 'scf', 'test', '{}', 'lot', $3, $4)`,
        [structures[i], round.rows[0]!.id, status, dftHull],
      );
    }
    const { selectForLab } = createLabActivities({ db });
    const input = {
      campaignId: 'c-lock',
      roundId: round.rows[0]!.id,
      plugin: 'other-robot',
      maxEAboveHullEvPerAtom: 0.05,
      maxPerRound: 5,
    };
    const { candidates } = await selectForLab(input);
    expect(
      candidates.map((c) => [c.structureId, c.selection.basis, c.selection.eAboveHullEvPerAtom]),
    ).toEqual([
      [structures[0], 'dft', 0.01],
      [structures[1], 'mlip', 0.02],
    ]);
    // Already sent to this plugin: not again.
    expect((await selectForLab({ ...input, plugin: 'http-robot' })).candidates).toEqual([]);
    expect((await selectForLab({ ...input, maxPerRound: 1 })).candidates).toHaveLength(1);
  });

  it('the reviewer reads candidate_review (lab columns appended) and lab_device_status', async () => {
    const cols = await t.db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'candidate_review' ORDER BY ordinal_position`,
    );
    const names = cols.rows.map((c) => c.column_name);
    // 005's lab columns, then 008's formation energy on the MP2020 scale, then 009's space groups
    // and geometry, then 010's DFT input cell: a replaced view only appends.
    const lab = names.indexOf('lab_experiment_id');
    expect(names.slice(lab + 8, lab + 17)).toEqual([
      'dft_formation_energy_mp2020_ev_per_atom',
      'dft_mp2020_correction',
      'space_group_number',
      'space_group_symbol',
      'dft_space_group_number',
      'dft_space_group_symbol',
      'species',
      'lattice_a',
      'frac_coords',
    ]);
    expect(names.slice(lab + 17, lab + 20)).toEqual([
      'dft_input_structure_id',
      'dft_input_symmetrization',
      'dft_input_note',
    ]);
    expect(names.slice(lab, lab + 8)).toEqual([
      'lab_experiment_id',
      'lab_plugin',
      'lab_device',
      'lab_failure_reason',
      'lab_files',
      'lab_jobs',
      'lab_progress',
      'lab_updated_at',
    ]);
    const client = await t.db.pool.connect();
    try {
      await client.query('SET ROLE matdisc_reviewer');
      const r = await client.query('SELECT lab_status, lab_device FROM candidate_review');
      expect(r.rows.length).toBeGreaterThan(0);
      await client.query('SELECT * FROM lab_device_status');
      await expect(client.query('SELECT * FROM lab_devices')).rejects.toThrow(/permission denied/);
    } finally {
      await client.query('RESET ROLE');
      client.release();
    }
  });
});
