/**
 * Bad input to the campaign and DFT commands, as a user gives it: each case checks the exit code,
 * that the message names the field (or file) and the fix, and that nothing was started or stored
 * (no workflow under the id in Temporal, no rows in the database, no work directory).
 * `campaign start` runs in-process with `--json` (fast; the message is in the JSON document) and,
 * where the process itself matters (exit code, stderr, environment), through bin/matdisc.js.
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { siliconPrimitive } from '../../fixtures/silicon.js';
import { checkCampaignResources } from '../../../campaign/campaign-resources.js';
import { registerCampaign } from '../../../cli/commands/campaign.js';
import { registerRelax } from '../../../cli/commands/relax.js';
import { writePoscar } from '../../../crystal/io/poscar.js';
import { supercell } from '../../../crystal/supercell.js';
import { discoveryCampaign } from '../../../workflows/campaign.js';
import { openTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { runCommand } from '../../helpers/run-command.js';
import { MORSE, siliconCampaign } from '../../campaign/fixtures.js';
import { fcc, rattle } from '../../models/mlip/structures.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const NAMESPACE = 'bad-input';
/** A task queue no worker polls: workflows started on it only wait (for the id-reuse cases). */
const IDLE_QUEUE = 'bad-input-idle';

const CONFIG = `
name: bad-input
chemistry: { systems: [Si] }
rounds: 2
candidatesPerRound: 4
generator: { model: prototypes }
mlip: { model: ${MORSE} }
dft: { profile: test, budgetPerRound: 2, budgetTotal: 4 }
`;

interface ErrorDocument {
  error: string;
  issues: { field: string; message: string }[];
}

describe('bad input to campaign start, stop, pause, dft, relax and import-reference', () => {
  let dir: string;
  let connection: Connection;
  let client: Client;
  let caseNumber = 0;
  const saved = { address: process.env.TEMPORAL_ADDRESS, namespace: process.env.TEMPORAL_NAMESPACE };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-bad-input-'));
    chmodSync(dir, 0o755);
    process.env.TEMPORAL_ADDRESS = inject('temporalAddress');
    process.env.TEMPORAL_NAMESPACE = NAMESPACE;
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: NAMESPACE });
  });
  afterAll(async () => {
    await connection?.close();
    if (saved.address === undefined) delete process.env.TEMPORAL_ADDRESS;
    else process.env.TEMPORAL_ADDRESS = saved.address;
    if (saved.namespace === undefined) delete process.env.TEMPORAL_NAMESPACE;
    else process.env.TEMPORAL_NAMESPACE = saved.namespace;
    rmSync(dir, { recursive: true, force: true });
  });

  /** bin/matdisc.js as a user runs it, against the test Temporal server. */
  const matdisc = (args: string[], env: Record<string, string> = {}) =>
    execa(process.execPath, [join(ROOT, 'bin/matdisc.js'), ...args], {
      cwd: ROOT,
      reject: false,
      timeout: 120_000,
      env: { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: NAMESPACE, ...env },
    });

  /** `campaign …` in-process: stdout and the exit code it set. */
  const inProcess = async (argv: string[]) => {
    process.exitCode = undefined;
    try {
      const stdout = await runCommand([registerCampaign], argv);
      return { stdout, exitCode: process.exitCode ?? 0 };
    } finally {
      process.exitCode = undefined;
    }
  };

  const configFile = (text: string) => {
    const file = join(dir, `case-${++caseNumber}.yaml`);
    writeFileSync(file, text);
    return file;
  };

  const expectNoWorkflow = async (id: string) =>
    expect(client.workflow.getHandle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

  /** Starts `text` with --json under a fresh id: refused, one issue naming `field`, nothing started. */
  const refused = async (text: string, field: string, message: RegExp) => {
    const id = `bad-input-case-${caseNumber + 1}`;
    const { stdout, exitCode } = await inProcess([
      'campaign',
      'start',
      configFile(text),
      '--id',
      id,
      '--json',
    ]);
    expect(exitCode).toBe(1);
    const doc = JSON.parse(stdout) as ErrorDocument;
    expect(doc.issues).toContainEqual({ field, message: expect.stringMatching(message) });
    expect(doc.error).toContain(field);
    await expectNoWorkflow(id);
    return doc;
  };

  describe('campaign start: numbers out of range name the field and the limit', () => {
    it.each([
      ['rounds: 0', 'rounds: 0', 'rounds', /whole number from 1 to 1000.*got 0/],
      [
        'rounds: 1e9',
        'rounds: 1e9',
        'rounds',
        /from 1 to 1000\), got 1000000000; at most 1000 rounds; split/,
      ],
      ['rounds: 1.5', 'rounds: 1.5', 'rounds', /whole number from 1 to 1000\), got 1\.5/],
      ['rounds: -1', 'rounds: -1', 'rounds', /got -1/],
      ['rounds: "two"', 'rounds: two', 'rounds', /got "two"/],
    ])('%s', async (_name, line, field, message) => {
      await refused(CONFIG.replace('rounds: 2', line), field, message);
    });

    it.each([
      [
        'budgetTotal: -3',
        'budgetTotal: 4',
        'budgetTotal: -3',
        'dft.budgetTotal',
        /from 1 to 100000\), got -3/,
      ],
      [
        'budgetTotal: 1e300',
        'budgetTotal: 4',
        'budgetTotal: 1e300',
        'dft.budgetTotal',
        /got 1e\+300; at most 100000 DFT calculations; lower it/,
      ],
      [
        'budgetPerRound: 200000',
        'budgetPerRound: 2',
        'budgetPerRound: 200000',
        'dft.budgetPerRound',
        /at most 100000/,
      ],
      ['budgetPerRound: 2.5', 'budgetPerRound: 2', 'budgetPerRound: 2.5', 'dft.budgetPerRound', /got 2\.5/],
      [
        'candidatesPerRound: 1e6',
        'candidatesPerRound: 4',
        'candidatesPerRound: 1e6',
        'candidatesPerRound',
        /at most 10000 candidates per round/,
      ],
      [
        'maxConcurrent: 5000',
        'budgetTotal: 4 }',
        'budgetTotal: 4, maxConcurrent: 5000 }',
        'dft.maxConcurrent',
        /at most 1000 DFT jobs/,
      ],
      ['roundsPerRun: 1e12', 'rounds: 2', 'rounds: 2\nroundsPerRun: 1e12', 'roundsPerRun', /from 1 to 1000/],
      [
        'stop.noDftRounds: -1',
        'rounds: 2',
        'rounds: 2\nstop: { noDftRounds: -1 }',
        'stop.noDftRounds',
        /from 0 to 1000/,
      ],
    ])('%s', async (_name, from, to, field, message) => {
      await refused(CONFIG.replace(from, to), field, message);
    });

    it('unknown engine: names dft.engine and the engines there are', async () => {
      await refused(
        CONFIG.replace('profile: test,', 'engine: cp2k, profile: test,'),
        'dft.engine',
        /expected 'qe' or 'vasp'/,
      );
    });
  });

  describe('campaign start: control characters in names and ids', () => {
    it.each([
      ['NUL in the name', 'name: "bad\\0input"', 'name', /control character \(U\+0000 at position 4\)/],
      ['newline in the name', 'name: "bad\\ninput"', 'name', /U\+000A .*printable characters only/],
      ['DEL in the name', 'name: "bad\\x7Finput"', 'name', /U\+007F/],
      ['C1 control in the name', 'name: "bad\\x85input"', 'name', /U\+0085/],
      ['a name of 300 characters', `name: ${'x'.repeat(300)}`, 'name', /longer than 200 characters/],
    ])('%s', async (_name, line, field, message) => {
      await refused(CONFIG.replace('name: bad-input', line), field, message);
    });

    it('NUL anywhere else: names the nested field', async () => {
      await refused(
        CONFIG.replace(`mlip: { model: ${MORSE} }`, `mlip: { model: "${MORSE}\\0" }`),
        'mlip.model',
        /U\+0000.*remove it/,
      );
    });

    it('a control character in a key: names where the key is', async () => {
      const doc = await refused(
        CONFIG.replace('rounds: 2', 'rounds: 2\n"col\\0our": red'),
        '"col\\u0000our"',
        /the key contains a control character/,
      );
      expect(doc.issues).toHaveLength(1);
    });

    it.each([
      ['a newline', 'bad\ninput'],
      ['a NUL', 'bad\0input'],
      ['a tab', 'bad\tinput'],
    ])('--id with %s: refused naming --id', async (_name, id) => {
      const { stdout, exitCode } = await inProcess([
        'campaign',
        'start',
        configFile(CONFIG),
        '--id',
        id,
        '--json',
      ]);
      expect(exitCode).toBe(1);
      const doc = JSON.parse(stdout) as ErrorDocument;
      expect(doc.issues).toEqual([
        { field: '--id', message: expect.stringMatching(/control character.*printable characters only/) },
      ]);
      await expectNoWorkflow(id);
    });

    it('an empty --id: refused naming --id', async () => {
      const { stdout, exitCode } = await inProcess([
        'campaign',
        'start',
        configFile(CONFIG),
        '--id',
        ' ',
        '--json',
      ]);
      expect(exitCode).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({ issues: [{ field: '--id', message: /is empty/ }] });
    });
  });

  describe('campaign start: files and engines', () => {
    it('a 2 MB configuration is refused by its size before it is parsed', async () => {
      const file = configFile(CONFIG + `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
      const started = performance.now();
      const result = await matdisc(['campaign', 'start', file, '--id', 'bad-input-big', '--json']);
      expect(result.exitCode).toBe(1);
      const doc = JSON.parse(result.stdout) as ErrorDocument;
      expect(doc.issues).toEqual([
        {
          field: '(file)',
          message: expect.stringMatching(
            /case-\d+\.yaml is 2097\d+ bytes, larger than the 1048576-byte \(1 MiB\) limit/,
          ),
        },
      ]);
      expect(result.stderr).toMatch(/1 MiB/);
      expect((performance.now() - started) / 1000).toBeLessThan(20); // node start included; parsing took 84 s
      await expectNoWorkflow('bad-input-big');
    });

    it('engine vasp without a VASP executable names dft.engine and VASP_COMMAND', async () => {
      const emptyPath = mkdtempSync(join(dir, 'path-'));
      const result = await matdisc(
        [
          'campaign',
          'start',
          configFile(CONFIG.replace('profile: test,', 'engine: vasp, profile: test,')),
          '--id',
          'bad-input-vasp',
        ],
        { PATH: `${emptyPath}:${dirname(process.execPath)}`, VASP_COMMAND: '', VASP_PP_PATH: '' },
      );
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /dft\.engine: vasp cannot run on this host: no VASP executable: VASP_COMMAND is unset and vasp_std is not on PATH/,
      );
      expect(result.stderr).toMatch(/set VASP_COMMAND=\/path\/to\/vasp_std.*or use dft\.engine: qe/);
      await expectNoWorkflow('bad-input-vasp');
    });

    it('engine vasp with VASP_COMMAND naming no file says so', async () => {
      const result = await matdisc(
        [
          'campaign',
          'start',
          configFile(CONFIG.replace('profile: test,', 'engine: vasp, profile: test,')),
          '--json',
        ],
        { VASP_COMMAND: join(dir, 'no-such-vasp'), VASP_PP_PATH: dir },
      );
      expect(result.exitCode).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({
        issues: [
          {
            field: 'dft.engine',
            message: expect.stringMatching(/VASP_COMMAND=.*no-such-vasp is not an executable file/),
          },
        ],
      });
    });

    it('engine vasp is accepted where VASP and its potentials are set up', async () => {
      const vasp = join(dir, 'vasp_std');
      writeFileSync(vasp, '#!/bin/sh\nexit 0\n');
      chmodSync(vasp, 0o755);
      const config = siliconCampaign({
        dft: { engine: 'vasp', profile: 'test', budgetPerRound: 1, budgetTotal: 1 },
      });
      await expect(
        checkCampaignResources(config, { env: { VASP_COMMAND: vasp, VASP_PP_PATH: dir } }),
      ).resolves.toMatchObject({ mlipPath: expect.stringMatching(/morse/) });
      await expect(checkCampaignResources(config, { env: { PATH: '' } })).rejects.toThrow(
        /VASP_PP_PATH is unset/,
      );
    });

    it('--json with an invalid configuration prints a JSON error document and exits 1', async () => {
      const result = await matdisc([
        'campaign',
        'start',
        configFile(CONFIG.replace('rounds: 2', 'rounds: 0')),
        '--json',
      ]);
      expect(result.exitCode).toBe(1);
      const doc = JSON.parse(result.stdout) as ErrorDocument;
      expect(doc).toEqual({
        error: expect.stringMatching(/^rounds: /),
        issues: [{ field: 'rounds', message: expect.stringMatching(/got 0/) }],
      });
      expect(result.stderr).toMatch(/matdisc: rounds: /);
    });

    it('--json with a missing file or broken YAML prints a JSON error document too', async () => {
      const missing = await matdisc(['campaign', 'start', join(dir, 'absent.yaml'), '--json']);
      expect(missing.exitCode).toBe(1);
      expect(JSON.parse(missing.stdout)).toEqual({
        error: expect.stringMatching(/ENOENT.*absent\.yaml/),
        issues: [],
      });
      const { stdout, exitCode } = await inProcess([
        'campaign',
        'start',
        configFile('rounds: [1\n'),
        '--json',
      ]);
      expect(exitCode).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({
        issues: [{ field: '(file)', message: /not valid YAML or JSON/ }],
      });
    });
  });

  describe('campaign ids are used once', () => {
    const startIdle = (id: string) =>
      client.workflow.start(discoveryCampaign, {
        taskQueue: IDLE_QUEUE,
        workflowId: id,
        args: [{ campaignId: id, config: siliconCampaign() }],
      });
    const executions = async (id: string) => {
      let n = 0;
      for await (const _ of client.workflow.list({ query: `WorkflowId = '${id}'` })) n++;
      return n;
    };

    it('--id of a finished campaign is refused: no second run under that id', async () => {
      const id = `bad-input-finished-${Date.now()}`;
      const handle = await startIdle(id);
      await handle.terminate('finished for the test');
      const result = await matdisc(['campaign', 'start', configFile(CONFIG), '--id', id]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `--id: campaign ${id} already exists \\(terminated\\).*choose a new id, e\\.g\\. --id ${id}-2`,
        ),
      );
      expect(result.stdout).toBe('');
      await expect.poll(() => executions(id), { timeout: 10_000 }).toBe(1);
      expect((await client.workflow.getHandle(id).describe()).status.name).toBe('TERMINATED');
    });

    it('--id of a running campaign is refused with --json', async () => {
      const id = `bad-input-running-${Date.now()}`;
      const handle = await startIdle(id);
      try {
        const { stdout, exitCode } = await inProcess([
          'campaign',
          'start',
          configFile(CONFIG),
          '--id',
          id,
          '--json',
        ]);
        expect(exitCode).toBe(1);
        expect(JSON.parse(stdout)).toMatchObject({
          error: expect.stringMatching(/already exists \(running\)/),
          issues: [],
        });
        expect((await handle.describe()).runId).toBe(handle.firstExecutionRunId);
      } finally {
        await handle.terminate('test over');
      }
    });
  });

  describe('campaign pause, resume and stop', () => {
    it('pause --help does not offer --cancel; stop --help does', async () => {
      const pause = await matdisc(['campaign', 'pause', '--help']);
      expect(pause.exitCode).toBe(0);
      expect(pause.stdout).not.toMatch(/--cancel/);
      expect(pause.stdout).toMatch(/--json/);
      const resume = await matdisc(['campaign', 'resume', '--help']);
      expect(resume.stdout).not.toMatch(/--cancel/);
      const stop = await matdisc(['campaign', 'stop', '--help']);
      expect(stop.stdout).toMatch(/--cancel/);
      const unknown = await matdisc(['campaign', 'pause', 'some-id', '--cancel']);
      expect(unknown.exitCode).toBe(1);
      expect(unknown.stderr).toMatch(/unknown option '--cancel'/);
    });

    it('pause, resume and stop accept --json and print one document each', async () => {
      const id = `bad-input-signals-${Date.now()}`;
      const handle = await client.workflow.start(discoveryCampaign, {
        taskQueue: IDLE_QUEUE,
        workflowId: id,
        args: [{ campaignId: id, config: siliconCampaign() }],
      });
      try {
        for (const [args, sent] of [
          [['pause'], 'pause'],
          [['resume'], 'resume'],
          [['stop', '--cancel'], 'stop (cancel)'],
        ] as const) {
          const { stdout, exitCode } = await inProcess(['campaign', args[0], id, ...args.slice(1), '--json']);
          expect(exitCode).toBe(0);
          expect(JSON.parse(stdout)).toEqual({ campaignId: id, sent });
        }
        const signals: string[] = [];
        for (const e of (await handle.fetchHistory()).events ?? [])
          if (e.workflowExecutionSignaledEventAttributes)
            signals.push(e.workflowExecutionSignaledEventAttributes.signalName ?? '');
        expect(signals).toEqual(['pause', 'resume', 'stop']);
      } finally {
        await handle.terminate('test over');
      }
    });
  });

  describe('matdisc dft: size guard and work directory', () => {
    it('a 1024-site cell is refused with the limit and how to lift it; no directory is made', async () => {
      const file = join(dir, 'si1024.vasp');
      writeFileSync(file, writePoscar(supercell(siliconPrimitive(), [8, 8, 8])));
      const workDir = join(dir, 'dft-big');
      const result = await matdisc([
        'dft',
        file,
        '--engine',
        'qe',
        '--profile',
        'test',
        '--work-dir',
        workDir,
      ]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /1024 sites, more than the DFT limit of 500; lift it with MATDISC_DFT_MAX_SITES=1024 .* or matdisc dft --max-sites 1024/,
      );
      expect(existsSync(workDir)).toBe(false);
    });

    it('MATDISC_DFT_MAX_SITES lowers the limit, and a malformed value is named', async () => {
      const file = join(dir, 'si2.vasp');
      writeFileSync(file, writePoscar(siliconPrimitive()));
      const low = await matdisc(['dft', file, '--work-dir', join(dir, 'dft-low')], {
        MATDISC_DFT_MAX_SITES: '1',
      });
      expect(low.exitCode).toBe(1);
      expect(low.stderr).toMatch(/2 sites, more than the DFT limit of 1/);
      const bad = await matdisc(['dft', file, '--work-dir', join(dir, 'dft-bad')], {
        MATDISC_DFT_MAX_SITES: 'lots',
      });
      expect(bad.exitCode).toBe(1);
      expect(bad.stderr).toMatch(/MATDISC_DFT_MAX_SITES="lots": expected a whole number of sites ≥ 1/);
      const zero = await matdisc(['dft', file, '--max-sites', '0']);
      expect(zero.exitCode).toBe(1);
      expect(zero.stderr).toMatch(/--max-sites.*expected a whole number ≥ 1/);
      expect(existsSync(join(dir, 'dft-low')) || existsSync(join(dir, 'dft-bad'))).toBe(false);
    });

    it('a work directory that is a regular file: the path and the error, exit 1, no pw.x', async () => {
      const file = join(dir, 'si2-wd.vasp');
      writeFileSync(file, writePoscar(siliconPrimitive()));
      const blocker = join(dir, 'not-a-dir');
      writeFileSync(blocker, 'a file where the work directory must be\n');
      const result = await matdisc([
        'dft',
        file,
        '--engine',
        'qe',
        '--profile',
        'test',
        '--work-dir',
        blocker,
      ]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /cannot prepare or write the work directory .*not-a-dir\/attempt-0: (ENOTDIR|EEXIST)/,
      );
      expect(readFileSync(blocker, 'utf8')).toMatch(/a file where/);
    });
  });

  describe('matdisc relax --out', () => {
    it('inputs with the same file name get distinct outputs', async () => {
      const poscars = ['a', 'b', 'c/a'].map((sub, k) => {
        mkdirSync(join(dir, 'relax', sub), { recursive: true });
        const file = join(dir, 'relax', sub, 'POSCAR');
        writeFileSync(file, writePoscar(rattle(fcc('Cu', 3.6), 0.05, k + 1)));
        return file;
      });
      const out = join(dir, 'relax-out');
      const text = await runCommand(
        [registerRelax],
        [
          'relax',
          ...poscars,
          poscars[0]!,
          '--model',
          MORSE,
          '--steps',
          '5',
          '--device',
          'cpu',
          '--out',
          out,
          '--json',
        ],
      );
      const outputs = (JSON.parse(text) as { results: { output: string }[] }).results.map((r) => r.output);
      expect(outputs.map((o) => o.slice(out.length + 1))).toEqual([
        'a-POSCAR.relaxed.extxyz',
        'b-POSCAR.relaxed.extxyz',
        'a-POSCAR-2.relaxed.extxyz',
        'a-POSCAR-3.relaxed.extxyz',
      ]);
      for (const o of outputs) expect(existsSync(o)).toBe(true);
    });
  });

  describe('matdisc db import-reference', () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase('postgres', { migrated: true });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a material_id reused for another structure and a negative or infinite e_above_hull are rejected', async () => {
      const rows = parse(
        gunzipSync(readFileSync(resolve(ROOT, '../shared/data/mp_20/biternary/test.csv.gz'))),
        {
          columns: true,
        },
      ) as Record<string, string>[];
      const header = ['material_id', 'formation_energy_per_atom', 'e_above_hull', 'cif'];
      const field = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      const line = (r: Record<string, string>) => header.map((h) => field(r[h] ?? '')).join(',');
      const [a, b, c, d] = rows;
      const records = [
        a!,
        { ...b!, material_id: a!.material_id! }, // the same id, another crystal
        { ...c!, e_above_hull: '-5' },
        { ...d!, e_above_hull: 'Infinity' },
        { ...rows[4]!, e_above_hull: '-0.0000001' }, // a hull vertex printed with rounding: accepted
        a!, // the same row again: already present
      ];
      const file = join(dir, 'refs.csv');
      writeFileSync(file, [header.join(','), ...records.map(line)].join('\n'));
      const starts: number[] = []; // the line each record starts on (line 1 is the header)
      let next = 2;
      for (const r of records) {
        starts.push(next);
        next += line(r).split('\n').length;
      }
      const result = await matdisc(['db', 'import-reference', file, '--source', 'bad', '--json'], {
        DATABASE_URL: t.url,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as {
        read: number;
        imported: number;
        already_present: number;
        rejected: { line: number; externalId: string; reason: string }[];
      };
      expect(report).toMatchObject({ read: 6, imported: 2, already_present: 1 });
      expect(report.rejected).toEqual([
        {
          line: starts[1],
          externalId: a!.material_id,
          reason: expect.stringMatching(
            new RegExp(
              `conflict: material_id ${a!.material_id} is already taken by a different structure \\(line ${starts[0]}; .*give it its own material_id`,
            ),
          ),
        },
        {
          line: starts[2],
          externalId: c!.material_id,
          reason: expect.stringMatching(/column e_above_hull: -5 eV\/atom is negative/),
        },
        {
          line: starts[3],
          externalId: d!.material_id,
          reason: expect.stringMatching(/column e_above_hull: 'Infinity' is not a finite number/),
        },
      ]);
      const stored = await t.db.query<{ external_id: string; n: string }>(
        `SELECT r.external_id, count(*) OVER () AS n FROM reference_phases r WHERE r.source = 'bad' ORDER BY r.id`,
      );
      expect(stored.rows.map((r) => r.external_id)).toEqual([a!.material_id, rows[4]!.material_id]);
      const structures = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM structures');
      expect(Number(structures.rows[0]!.n)).toBe(2);
    }, 120_000);
  });
});
