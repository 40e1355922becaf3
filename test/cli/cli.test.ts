/**
 * The `matdisc` command as a user runs it (through bin/matdisc.js): help on every subcommand,
 * `--json` output that is one JSON document, doctor after setup, and the compose file.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database } from '../../db/database.js';

const ROOT = resolve(import.meta.dirname, '../..');
const matdisc = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [join(ROOT, 'bin/matdisc.js'), ...args], { cwd: ROOT, reject: false, env, timeout: 120_000 });

describe('matdisc command line', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'matdisc-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists its subcommands and has --help on each', async () => {
    const top = await matdisc(['--help']);
    expect(top.exitCode).toBe(0);
    const listing = top.stdout.slice(top.stdout.indexOf('Commands:'));
    const commands = [...listing.matchAll(/^ {2}([a-z-]+)\b/gm)].map((m) => m[1]!);
    expect(commands).toEqual(
      expect.arrayContaining([
        'doctor',
        'dev',
        'demo',
        'db',
        'dft',
        'sql',
        'hull',
        'match',
        'predict',
        'relax',
        'worker',
      ]),
    );
    for (const command of commands.filter((c) => c !== 'help')) {
      const help = await matdisc([command, '--help']);
      expect(help.exitCode, command).toBe(0);
      expect(help.stdout, command).toMatch(/^Usage: matdisc /);
    }
    for (const sub of ['migrate', 'import-reference'])
      expect((await matdisc(['db', sub, '--help'])).exitCode).toBe(0);
  }, 120_000);

  it('doctor --json reports every component ok after the setup', async () => {
    const result = await matdisc(['doctor', '--json']);
    const report = JSON.parse(result.stdout) as {
      components: { name: string; ok: boolean; version: string | null; detail: string; optional?: boolean }[];
    };
    // VASP is licensed and not installed by the setup: reported, with its fix, but optional.
    const broken = report.components.filter((c) => !c.ok && !c.optional);
    expect(broken).toEqual([]);
    expect(report.components.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'node',
        'onnxruntime-node',
        'temporal',
        'database',
        'postgres-server',
        'pw.x',
        'pseudopotentials',
        'python-trainer',
        'cuda',
        'vasp',
      ]),
    );
    expect(result.exitCode).toBe(0);
  }, 120_000);

  it('db migrate --json against DATABASE_URL prints one JSON document and is idempotent', async () => {
    const admin = await Database.connect({ url: inject('postgresUrl'), maxConnections: 1 });
    await admin.query('DROP DATABASE IF EXISTS cli_test WITH (FORCE)');
    await admin.query('CREATE DATABASE cli_test');
    await admin.close();
    const env = { DATABASE_URL: inject('postgresUrl').replace(/\/postgres$/, '/cli_test') };
    const first = await matdisc(['db', 'migrate', '--json'], env);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).applied.length).toBeGreaterThan(0);
    const second = await matdisc(['db', 'migrate', '--json'], env);
    expect(JSON.parse(second.stdout)).toMatchObject({ applied: [] });
  });

  it('sql -c runs as the read-only reviewer on the embedded database', async () => {
    const env = { MATDISC_DATA_DIR: dataDir };
    expect((await matdisc(['db', 'migrate'], env)).exitCode).toBe(0);
    const ok = await matdisc(['sql', '-c', 'SELECT count(*)::int AS n FROM campaign_summary', '--json'], env);
    expect(JSON.parse(ok.stdout)).toEqual({ fields: ['n'], rows: [{ n: 0 }] });
    const write = await matdisc(['sql', '-c', "INSERT INTO events (kind) VALUES ('x')"], env);
    expect(write.exitCode).toBe(1);
    expect(write.stderr).toMatch(/permission denied|read-only/);
  }, 120_000);

  it('match --json compares structure files', async () => {
    const fixtures = resolve(ROOT, '../shared/data/vasp_fixtures');
    const same = await matdisc([
      'match',
      join(fixtures, 'parse-vasp-with-magmoms/POSCAR'),
      join(fixtures, 'parse-vasp-with-magmoms/CONTCAR'),
      '--json',
    ]);
    expect(JSON.parse(same.stdout)).toEqual({ match: true, rms: expect.any(Number) });
    expect(JSON.parse(same.stdout).rms).toBeLessThan(0.01);
    const different = await matdisc([
      'match',
      join(fixtures, 'parse-vasp-with-magmoms/POSCAR'),
      join(fixtures, 'parse-vasp-no-magmoms/POSCAR'),
      '--json',
    ]);
    expect(JSON.parse(different.stdout)).toEqual({ match: false, rms: null });
  }, 120_000);

  it('dft --json runs a real pw.x SCF and reports energies with units in the names', async () => {
    const poscar = join(dataDir, 'POSCAR');
    writeFileSync(
      poscar,
      'Si\n1.0\n0 2.715 2.715\n2.715 0 2.715\n2.715 2.715 0\nSi\n2\nDirect\n0 0 0\n0.25 0.25 0.25\n',
    );
    const result = await matdisc([
      'dft',
      poscar,
      '--engine',
      'qe',
      '--profile',
      'test',
      '--json',
      '--work-dir',
      join(dataDir, 'dft'),
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ converged: true, attempts: [{ outcome: 'converged' }] });
    expect(out.energy_per_atom_ev).toBeCloseTo((-22.82574107 * 13.605693122994) / 2, 1);
    expect(out.forces_ev_per_a).toHaveLength(2);
    expect(out.stress_ev_per_a3).toHaveLength(3);
  }, 180_000);

  it('refuses bad input with a message that names the option', async () => {
    const worker = await matdisc(['worker', '--queues', 'cpu,quantum'], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    });
    expect(worker.exitCode).toBe(1);
    expect(worker.stderr).toMatch(/--queues: unknown queue 'quantum'/);
    const hull = await matdisc(['hull', '--system', '-'], { MATDISC_DATA_DIR: dataDir });
    expect(hull.stderr).toMatch(/--system/);
    const dft = await matdisc(['dft', 'nowhere.cif', '--engine', 'abinit'], { MATDISC_DATA_DIR: dataDir });
    expect(dft.exitCode).toBe(1);
    const match = await matdisc(['match', 'a.cif', 'b.cif', '--stol', 'x']);
    expect(match.stderr).toMatch(/--stol/);
  }, 120_000);

  it('docker-compose.yml is a valid compose file with every service', async () => {
    const compose =
      (await execa('docker', ['compose', 'version'], { reject: false })).exitCode === 0
        ? ['docker', 'compose']
        : ['docker-compose'];
    const result = await execa(
      compose[0]!,
      [...compose.slice(1), '-f', join(ROOT, 'docker-compose.yml'), 'config'],
      { reject: false },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    for (const service of ['temporal', 'temporal-ui', 'temporal-db', 'db', 'worker'])
      expect(result.stdout).toContain(`  ${service}:`);
  });
});
