/**
 * `matdisc export candidates|training-set` run as a user runs it (bin/matdisc.js in a child
 * process) on a seeded campaign: two relaxed candidates (one with converged DFT, forces and stress;
 * one whose DFT failed), an elemental reference at the campaign's level of theory, and another
 * campaign's label that must stay out. Read back by matdisc's reader and by ASE
 * (`.venv/bin/python`, `ase.io.read(path, index=':')`), compared with what was stored; on the data
 * dir's embedded PGlite with no environment variables, and on PostgreSQL through DATABASE_URL.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgres } from '../../cli/stack/embedded-postgres.js';
import { readExtxyz } from '../../crystal/io/extxyz.js';
import { Lattice } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { Database } from '../../db/database.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { migrate } from '../../db/migrate.js';
import { structureRow } from '../../db/structure-row.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const CAMPAIGN = 'export-nacl';
const LEVEL = 'qe:test:export';

const rockSalt = Structure.create(
  Lattice.fcc(5.64),
  ['Na', 'Cl'],
  [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
  ],
);
const cesiumChloride = Structure.create(
  Lattice.cubic(3.3),
  ['Na', 'Cl'],
  [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
  ],
);
const sodium = Structure.create(
  Lattice.cubic(4.23),
  ['Na', 'Na'],
  [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
  ],
);

const FORCES_EV_PER_A = [
  [0.01, -0.02, 0.03],
  [-0.01, 0.02, -0.03],
];
const STRESS_EV_PER_A3 = [
  [0.001, 0.0002, 0.0003],
  [0.0002, -0.002, 0.0004],
  [0.0003, 0.0004, 0.003],
];
const REFERENCE_FORCES = [
  [0, 0, 0.5],
  [0, 0, -0.5],
];

/** The stored rows the exports must reproduce. */
async function seed(db: Database): Promise<void> {
  const config = { name: 'export test', chemistry: { systems: ['Cl-Na'], compositions: [] } };
  for (const id of [CAMPAIGN, 'other-campaign'])
    await db.query('INSERT INTO campaigns (id, name, config) VALUES ($1, $2, $3)', [
      id,
      id,
      JSON.stringify(config),
    ]);
  const round = await db.query<{ id: string }>(
    'INSERT INTO rounds (campaign_id, round_index) VALUES ($1, 0) RETURNING id::text AS id',
    [CAMPAIGN],
  );
  const roundId = round.rows[0]!.id;
  const mv = await db.query<{ id: string }>(
    "INSERT INTO model_versions (kind, name, version, file_path, file_sha256) VALUES ('mlip', 'committee', 1, 'x.onnx', 'abc') RETURNING id::text AS id",
  );
  const candidates = [
    { key: 'rs', s: rockSalt, e: -3.2, hull: 0, std: 0.011, dev: 0.05 },
    { key: 'cscl', s: cesiumChloride, e: -3.1, hull: 0.1, std: 0.021, dev: 0.07 },
  ];
  const ids: string[] = [];
  for (const c of candidates) {
    const row = await insertOnce(
      db,
      'structures',
      structureRow(c.s, 'relaxed', { campaign_id: CAMPAIGN, round_id: roundId }),
      c.key,
    );
    ids.push(row.id);
    await insertOnce(
      db,
      'predictions',
      {
        structure_id: row.id,
        model_version_id: mv.rows[0]!.id,
        energy_ev: c.e * 2,
        energy_per_atom_ev: c.e,
        e_above_hull_ev_per_atom: c.hull,
        energy_std_ev_per_atom: c.std,
        max_force_dev_ev_per_a: c.dev,
      },
      `p-${c.key}`,
    );
  }
  const dft = {
    engine: 'qe' as const,
    calculation: 'scf' as const,
    profile_name: 'test',
    profile: {},
    level_of_theory: LEVEL,
  };
  await insertOnce(
    db,
    'dft_calculations',
    {
      ...dft,
      structure_id: ids[0]!,
      campaign_id: CAMPAIGN,
      round_id: roundId,
      status: 'converged',
      energy_ev: -6.9,
      energy_per_atom_ev: -3.45,
      forces_ev_per_a: FORCES_EV_PER_A,
      stress_ev_per_a3: STRESS_EV_PER_A3,
      formation_energy_per_atom_ev: -1.9,
      e_above_hull_ev_per_atom: 0,
      dft_confirmed_stable: true,
    },
    'd-rs',
  );
  await insertOnce(
    db,
    'dft_calculations',
    {
      ...dft,
      structure_id: ids[1]!,
      campaign_id: CAMPAIGN,
      round_id: roundId,
      status: 'failed',
      failure_reason: 'SCF not converged',
    },
    'd-cscl',
  );
  // The elemental reference of Na at the campaign's level (shared: no campaign id).
  const na = await insertOnce(db, 'structures', structureRow(sodium, 'dft'), 'na');
  await insertOnce(
    db,
    'dft_calculations',
    {
      ...dft,
      structure_id: na.id,
      status: 'converged',
      energy_ev: -2.6,
      energy_per_atom_ev: -1.3,
      forces_ev_per_a: REFERENCE_FORCES,
      reference_element: 'Na',
    },
    'd-na',
  );
  // Another campaign's label, not part of this campaign's training set.
  const other = await insertOnce(
    db,
    'structures',
    structureRow(rockSalt, 'relaxed', { campaign_id: 'other-campaign' }),
    'other',
  );
  await insertOnce(
    db,
    'dft_calculations',
    {
      ...dft,
      structure_id: other.id,
      campaign_id: 'other-campaign',
      status: 'converged',
      energy_ev: -1,
      energy_per_atom_ev: -0.5,
      forces_ev_per_a: FORCES_EV_PER_A,
    },
    'd-other',
  );
}

/** The environment of a user who set nothing: no external services, no default data dir. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DATABASE_URL', 'MATDISC_DATA_DIR'])
    delete env[name];
  return env;
}

const matdisc = (args: string[], extraEnv: Record<string, string> = {}) =>
  execa('node', [join(ROOT, 'bin/matdisc.js'), ...args], {
    cwd: ROOT,
    reject: false,
    extendEnv: false,
    env: { ...cleanEnv(), ...extraEnv },
    timeout: 90_000,
  });

interface AseFrame {
  symbols: string[];
  cell: number[][];
  positions: number[][];
  info: Record<string, unknown>;
  energy: number | null;
  forces: number[][] | null;
  stress: number[][] | null;
}

/** The frames as ASE reads them. */
async function readWithAse(file: string): Promise<AseFrame[]> {
  const script = `
import json, sys
from ase.io import read
frames = read(sys.argv[1], index=':')
out = []
for a in frames:
    calc = a.calc
    out.append({
        'symbols': a.get_chemical_symbols(),
        'cell': a.cell.array.tolist(),
        'positions': a.positions.tolist(),
        'info': {k: (v.item() if hasattr(v, 'item') else v) for k, v in a.info.items()},
        'energy': a.get_potential_energy() if calc is not None and 'energy' in calc.results else None,
        'forces': a.get_forces().tolist() if calc is not None and 'forces' in calc.results else None,
        'stress': a.get_stress(voigt=False).tolist() if calc is not None and 'stress' in calc.results else None,
    })
print(json.dumps(out))
`;
  const r = await execa(PYTHON, ['-c', script, file], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AseFrame[];
}

function expectMatrixClose(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((x, k) => expect(x).toBeCloseTo(expected[i]![k]!, 8)));
}

/** Checks the candidates file against the seed, with matdisc's reader and with ASE. */
async function checkCandidates(file: string): Promise<void> {
  const ours = readExtxyz(await readFile(file, 'utf8'));
  expect(ours).toHaveLength(2);
  const ase = await readWithAse(file);
  expect(ase).toHaveLength(2);
  const [rs, cscl] = ase;
  expect(rs!.symbols).toEqual(['Na', 'Cl']);
  expectMatrixClose(rs!.cell, rockSalt.lattice);
  expectMatrixClose(rs!.positions, Structure.cartCoords(rockSalt));
  // No calculator: the MLIP's and DFT's energies are in info, named with their units.
  expect(rs!.energy).toBeNull();
  expect(rs!.info).toMatchObject({
    round_index: 0,
    space_group_number: 225,
    space_group_symbol: 'Fm-3m',
    mlip_energy_per_atom_ev: -3.2,
    mlip_energy_ev: -6.4,
    mlip_e_above_hull_ev_per_atom: 0,
    mlip_energy_std_ev_per_atom: 0.011,
    mlip_max_force_dev_ev_per_a: 0.05,
    dft_status: 'converged',
    dft_energy_per_atom_ev: -3.45,
    dft_energy_ev: -6.9,
    dft_formation_energy_per_atom_ev: -1.9,
    dft_e_above_hull_ev_per_atom: 0,
    dft_confirmed_stable: true,
    dft_level_of_theory: LEVEL,
  });
  expect(typeof rs!.info.structure_id).toBe('number');
  expect(cscl!.info).toMatchObject({
    space_group_number: 221,
    mlip_energy_per_atom_ev: -3.1,
    mlip_e_above_hull_ev_per_atom: 0.1,
    mlip_energy_std_ev_per_atom: 0.021,
    dft_status: 'failed',
  });
  // A failed calculation has no energy: the key is absent, not null.
  expect(cscl!.info).not.toHaveProperty('dft_energy_per_atom_ev');
  expect(Number(cscl!.info.structure_id)).toBeGreaterThan(Number(rs!.info.structure_id));
}

/** Checks the training-set file: the campaign's label and the Na reference, not the other campaign's. */
async function checkTrainingSet(file: string): Promise<void> {
  const ase = await readWithAse(file);
  expect(ase.map((f) => f.info.config_type)).toEqual(['dft_label', 'elemental_reference']);
  const [label, reference] = ase;
  expect(label!.symbols).toEqual(['Na', 'Cl']);
  expect(label!.energy).toBeCloseTo(-6.9, 10);
  expectMatrixClose(label!.forces!, FORCES_EV_PER_A);
  expectMatrixClose(label!.stress!, STRESS_EV_PER_A3);
  expect(label!.info.level_of_theory).toBe(LEVEL);
  expect(reference!.symbols).toEqual(['Na', 'Na']);
  expect(reference!.energy).toBeCloseTo(-2.6, 10);
  expectMatrixClose(reference!.forces!, REFERENCE_FORCES);
  expect(reference!.stress).toBeNull();
  // The trainer's own reader (matdisc's reader here) sees the same labels.
  const ours = readExtxyz(await readFile(file, 'utf8'));
  expect(ours.map((f) => f.energy)).toEqual([-6.9, -2.6]);
}

describe('matdisc export', () => {
  let dir: string;
  let dataDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-export-'));
    dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const embedded = await EmbeddedPostgres.start({ dataDir: join(dataDir, 'pglite') });
    try {
      const db = await Database.connect({ url: embedded.url, maxConnections: 1 });
      try {
        await migrate(db);
        await seed(db);
      } finally {
        await db.close();
      }
    } finally {
      await embedded.stop();
    }
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports the candidates from the data dir's embedded database with no environment variables; ASE reads them", async () => {
    const out = join(dir, 'out', 'candidates.extxyz');
    const run = await matdisc([
      'export',
      'candidates',
      '--campaign',
      CAMPAIGN,
      '--data-dir',
      dataDir,
      '--out',
      out,
      '--json',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ campaign_id: CAMPAIGN, kind: 'candidates', out, frames: 2 });
    expect(run.stderr).toMatch(/no running stack .*: reading its database/);
    await checkCandidates(out);
  });

  it('exports the training set (campaign labels and elemental references) with energy, forces and stress for ASE', async () => {
    const out = join(dir, 'out', 'training.extxyz');
    const run = await matdisc([
      'export',
      'training-set',
      '--campaign',
      CAMPAIGN,
      '--data-dir',
      dataDir,
      '--out',
      out,
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(`${out}: 2 DFT labels of ${CAMPAIGN}`);
    await checkTrainingSet(out);
  });

  it('refuses an unknown campaign, naming the known ones, and writes nothing', async () => {
    const out = join(dir, 'out', 'nothing.extxyz');
    const run = await matdisc([
      'export',
      'candidates',
      '--campaign',
      'no-such',
      '--data-dir',
      dataDir,
      '--out',
      out,
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/--campaign: no campaign 'no-such'.*recent campaigns: .*export-nacl/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an --out it cannot write (under a file, or a folder) and a data dir with no database', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const under = await matdisc([
      'export',
      'candidates',
      '--campaign',
      CAMPAIGN,
      '--data-dir',
      dataDir,
      '--out',
      join(file, 'x.extxyz'),
    ]);
    expect(under.exitCode).toBe(1);
    expect(under.stderr).toMatch(
      /--out .*x\.extxyz: cannot create its folder .*plain-file \(a file is in the way\); choose a file/,
    );

    const folder = await matdisc([
      'export',
      'training-set',
      '--campaign',
      CAMPAIGN,
      '--data-dir',
      dataDir,
      '--out',
      dir,
    ]);
    expect(folder.exitCode).toBe(1);
    expect(folder.stderr).toMatch(/--out .*: is a folder, not a file/);

    const empty = await matdisc([
      'export',
      'candidates',
      '--campaign',
      CAMPAIGN,
      '--data-dir',
      join(dir, 'empty'),
      '--out',
      join(dir, 'out', 'x.extxyz'),
    ]);
    expect(empty.exitCode).toBe(1);
    expect(empty.stderr).toMatch(/has no database .*set DATABASE_URL/);
    expect(existsSync(join(dir, 'empty'))).toBe(false);
  });

  describe('on PostgreSQL through DATABASE_URL', () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase('postgres', { migrated: true });
      await seed(t.db);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('exports both files from DATABASE_URL (the data dir is not read)', async () => {
      const candidates = join(dir, 'pg', 'candidates.extxyz');
      const training = join(dir, 'pg', 'training.extxyz');
      const env = { DATABASE_URL: t.url };
      const a = await matdisc(
        [
          'export',
          'candidates',
          '--campaign',
          CAMPAIGN,
          '--out',
          candidates,
          '--data-dir',
          join(dir, 'none'),
        ],
        env,
      );
      expect(a.exitCode, a.stderr).toBe(0);
      const b = await matdisc(
        [
          'export',
          'training-set',
          '--campaign',
          CAMPAIGN,
          '--out',
          training,
          '--data-dir',
          join(dir, 'none'),
        ],
        env,
      );
      expect(b.exitCode, b.stderr).toBe(0);
      expect(existsSync(join(dir, 'none'))).toBe(false);
      await checkCandidates(candidates);
      await checkTrainingSet(training);
    });
  });
});
