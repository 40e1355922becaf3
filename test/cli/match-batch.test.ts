/**
 * The batch forms of `matdisc match` (issue 17): `--pairs FILE`, `--all`, `--all … --against …`,
 * run as a user runs them. An unreadable file or a refused pair is an error row and exit code 1
 * while every other pair is still compared; each file is read once however many pairs name it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBatch, pairsAmong } from '../../cli/match-batch.js';
import { writeCif } from '../../crystal/io/cif.js';
import { writePoscar } from '../../crystal/io/poscar.js';
import { StructureMatcher } from '../../crystal/matcher/index.js';
import { Structure } from '../../crystal/structure.js';
import { supercell } from '../../crystal/supercell.js';
import { rockSaltPrimitive } from '../crystal/helpers.js';
import { runMatdisc } from './run-matdisc.js';

const siPrimitive = Structure.create(
  [
    [0, 2.715, 2.715],
    [2.715, 0, 2.715],
    [2.715, 2.715, 0],
  ],
  ['Si', 'Si'],
  [
    [0, 0, 0],
    [0.25, 0.25, 0.25],
  ],
);

interface Row {
  a: string;
  b: string;
  match: boolean;
  rms: number | null;
  reason: string | null;
}

describe('matdisc match, batch forms', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-match-batch-'));
    writeFileSync(f('si.cif'), writeCif(siPrimitive));
    writeFileSync(f('si-super.vasp'), writePoscar(supercell(siPrimitive, [2, 1, 1])));
    writeFileSync(f('nacl.cif'), writeCif(rockSaltPrimitive()));
    writeFileSync(f('broken.cif'), 'data_broken\n_cell_length_a 4\n');
    mkdirSync(f('lists'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--pairs: comments and blank lines skipped, relative paths from the pairs file folder', async () => {
    writeFileSync(
      f('lists/pairs.txt'),
      [
        '# Si against its supercell, then against rock salt',
        '../si.cif   ../si-super.vasp',
        '',
        `${f('si.cif')}\t../nacl.cif  # an absolute path too`,
      ].join('\n'),
    );
    const r = await runMatdisc(['match', '--pairs', f('lists/pairs.txt')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^${f('si.cif')} {2}${f('si-super.vasp')} {2}match \\(rms 0\\.0000\\)$`),
      ),
      `${f('si.cif')}  ${f('nacl.cif')}  no match: reduced formulas differ: Si vs NaCl`,
    ]);
    expect(r.stderr).toMatch(/2 pairs: 1 match, 1 no match, 0 errors/);
  });

  it('--pairs: a line without exactly two paths stops before any comparison, naming the line', async () => {
    writeFileSync(
      f('lists/bad.txt'),
      '# ok\n../si.cif ../nacl.cif\n../si.cif ../nacl.cif ../si-super.vasp\n',
    );
    const r = await runMatdisc(['match', '--pairs', f('lists/bad.txt')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/bad\.txt line 3: expected two paths separated by whitespace, got 3/);
    expect(r.stdout).toBe('');
  });

  it('--all compares every pair among the files; --json is an array of {a, b, match, rms, reason}', async () => {
    const r = await runMatdisc(['match', '--all', f('si.cif'), f('si-super.vasp'), f('nacl.cif'), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows).toEqual([
      { a: f('si.cif'), b: f('si-super.vasp'), match: true, rms: expect.any(Number), reason: null },
      {
        a: f('si.cif'),
        b: f('nacl.cif'),
        match: false,
        rms: null,
        reason: 'reduced formulas differ: Si vs NaCl',
      },
      {
        a: f('si-super.vasp'),
        b: f('nacl.cif'),
        match: false,
        rms: null,
        reason: 'reduced formulas differ: Si vs NaCl',
      },
    ]);
    expect(rows[0]!.rms).toBeLessThan(1e-6);
    for (const row of rows) expect(Object.keys(row)).toEqual(['a', 'b', 'match', 'rms', 'reason']);
  });

  it('--all A --against B… compares each A with each B', async () => {
    const r = await runMatdisc([
      'match',
      '--all',
      f('si.cif'),
      f('nacl.cif'),
      '--against',
      f('si-super.vasp'),
      '--json',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Row[]).map(({ a, b, match }) => [a, b, match])).toEqual([
      [f('si.cif'), f('si-super.vasp'), true],
      [f('nacl.cif'), f('si-super.vasp'), false],
    ]);
  });

  it('an unreadable file is an error row and exit 1; the other pairs are still compared', async () => {
    const r = await runMatdisc([
      'match',
      '--all',
      f('si.cif'),
      f('broken.cif'),
      f('missing.cif'),
      f('si-super.vasp'),
      '--json',
    ]);
    expect(r.exitCode).toBe(1);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows).toHaveLength(6);
    const row = (a: string, b: string) => rows.find((x) => x.a === f(a) && x.b === f(b))!;
    expect(row('si.cif', 'si-super.vasp')).toMatchObject({ match: true, reason: null });
    expect(row('si.cif', 'broken.cif')).toEqual({
      a: f('si.cif'),
      b: f('broken.cif'),
      match: false,
      rms: null,
      reason: expect.stringMatching(/broken\.cif/),
    });
    expect(row('si.cif', 'missing.cif').reason).toMatch(/missing\.cif: no such file \(ENOENT/);
    expect(row('broken.cif', 'si-super.vasp').reason).toMatch(/broken\.cif/);
    expect(r.stderr).toMatch(/6 pairs: 1 match, 0 no match, 5 errors/);
    const human = await runMatdisc(['match', '--all', f('si.cif'), f('missing.cif'), f('si-super.vasp')]);
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toContain(
      `${f('si.cif')}  ${f('missing.cif')}  error: ${f('missing.cif')}: no such file`,
    );
    expect(human.stdout).toMatch(/si-super\.vasp {2}match \(rms/);
  });

  it('a pair over --max-sites is an error row naming the file and the option', async () => {
    const r = await runMatdisc([
      'match',
      '--all',
      f('si.cif'),
      f('si-super.vasp'),
      '--max-sites',
      '3',
      '--json',
    ]);
    expect(r.exitCode).toBe(1);
    expect((JSON.parse(r.stdout) as Row[])[0]!.reason).toMatch(
      /si-super\.vasp: 4 sites, more than --max-sites 3/,
    );
  });

  it('keeps `match A B` as it was, and refuses mixed or incomplete forms', async () => {
    const single = await runMatdisc(['match', f('si.cif'), f('si-super.vasp'), '--json']);
    expect(single.exitCode, single.stderr).toBe(0);
    expect(JSON.parse(single.stdout)).toEqual({ match: true, rms: expect.any(Number) });
    const one = await runMatdisc(['match', f('si.cif')]);
    expect(one.exitCode).toBe(1);
    expect(one.stderr).toMatch(/give two files A B, --pairs FILE, or --all FILE/);
    const lonely = await runMatdisc(['match', '--all', f('si.cif')]);
    expect(lonely.exitCode).toBe(1);
    expect(lonely.stderr).toMatch(/--all needs two files or more/);
    const against = await runMatdisc(['match', '--against', f('si.cif')]);
    expect(against.stderr).toMatch(/--against needs --all/);
  });

  it('reads each file once however many pairs name it, a failing one included', async () => {
    const reads = new Map<string, number>();
    const structures: Record<string, Structure> = { a: siPrimitive, b: supercell(siPrimitive, [1, 1, 2]) };
    const outcomes = await compareBatch(
      pairsAmong(['a', 'b', 'bad', 'a']),
      new StructureMatcher(),
      async (file) => {
        reads.set(file, (reads.get(file) ?? 0) + 1);
        const s = structures[file];
        if (!s) throw new Error(`${file}: unreadable`);
        return s;
      },
    );
    expect(outcomes).toHaveLength(6);
    expect(Object.fromEntries(reads)).toEqual({ a: 1, b: 1, bad: 1 });
    expect(outcomes.map((o) => o.failed)).toEqual([false, true, false, true, false, true]);
    expect(outcomes[1]!.row.reason).toBe('bad: unreadable');
  });
});
