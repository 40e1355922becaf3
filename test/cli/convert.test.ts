/**
 * `matdisc convert` (issue 17) run as a user runs it: a round trip through every format keeps the
 * structure, the batch form writes one file per structure, and each refusal names the file and
 * the fix, exits 1 and writes nothing.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCif } from '../../crystal/io/cif.js';
import { writeExtxyz } from '../../crystal/io/extxyz.js';
import { writePoscar } from '../../crystal/io/poscar.js';
import { readQeInput } from '../../crystal/io/qe-input.js';
import { readStructureFile, readStructuresFile } from '../../crystal/io/read-structure-file.js';
import { Lattice } from '../../crystal/lattice.js';
import { StructureMatcher } from '../../crystal/matcher/index.js';
import { Structure } from '../../crystal/structure.js';
import { supercell } from '../../crystal/supercell.js';
import { fracDiff, latticeDiff, rockSaltPrimitive } from '../crystal/helpers.js';
import { runMatdisc, type MatdiscRun } from './run-matdisc.js';

/** A triclinic cell with sites off every special position, so nothing is kept by accident. */
const triclinic = Structure.create(
  Lattice.fromParameters(4.1, 5.3, 6.2, 81, 95, 103),
  ['Na', 'Cl', 'Cl', 'Na'],
  [
    [0.0123, 0.1, 0.2],
    [0.51, 0.47, 0.33],
    [0.21, 0.77, 0.68],
    [0.73, 0.18, 0.91],
  ],
);
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

/** A refusal: exit 1, stderr matching every pattern, no result on stdout, no stack trace. */
function expectRefused(r: MatdiscRun, patterns: readonly RegExp[]): void {
  expect(r.timedOut).toBe(false);
  expect(r.exitCode, r.stderr).toBe(1);
  for (const p of patterns) expect(r.stderr).toMatch(p);
  expect(r.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
  expect(r.stdout).toBe('');
}

describe('matdisc convert', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-convert-'));
    writeFileSync(f('original.cif'), writeCif(triclinic));
    writeFileSync(f('si.cif'), writeCif(siPrimitive));
    writeFileSync(f('nacl.vasp'), writePoscar(rockSaltPrimitive()));
    writeFileSync(
      f('md.extxyz'),
      writeExtxyz([{ structure: siPrimitive }, { structure: supercell(siPrimitive, [2, 1, 1]) }]),
    );
    writeFileSync(f('blocks.cif'), writeCif(siPrimitive) + writeCif(rockSaltPrimitive()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('CIF → POSCAR → extxyz → pw.x input → CIF keeps lattice and coordinates within 1e-6', async () => {
    const steps: [string, string][] = [
      ['original.cif', 'POSCAR'],
      ['POSCAR', 'step.extxyz'],
      ['step.extxyz', 'step.pwi'],
      ['step.pwi', 'final.cif'],
    ];
    for (const [input, output] of steps) {
      const r = await runMatdisc(['convert', f(input), f(output)]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toContain(`wrote ${f(output)}`);
    }
    const original = await readStructureFile(f('original.cif'));
    const final = await readStructureFile(f('final.cif'));
    expect(final.species).toEqual(original.species);
    expect(latticeDiff(final.lattice, original.lattice)).toBeLessThan(1e-6);
    expect(fracDiff(final.fracCoords, original.fracCoords)).toBeLessThan(1e-6);
    expect(new StructureMatcher().fit(original, final)).toBe(true);
    // Every intermediate reads back as the same crystal, in its own format.
    for (const name of ['POSCAR', 'step.extxyz', 'step.pwi']) {
      const s = await readStructureFile(f(name));
      expect(fracDiff(s.fracCoords, original.fracCoords), name).toBeLessThan(1e-6);
      const want = Lattice.parameters(original.lattice);
      const worst = Math.max(...Lattice.parameters(s.lattice).map((x, k) => Math.abs(x - want[k]!)));
      expect(worst, name).toBeLessThan(1e-6);
    }
  }, 60_000);

  it('writes a pw.x input that readQeInput reads back, with placeholders said to be placeholders', async () => {
    const r = await runMatdisc(['convert', f('nacl.vasp'), f('nacl.in'), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { input: f('nacl.vasp'), output: f('nacl.in'), formula: 'NaCl', sites: 2 },
    ]);
    const text = readFileSync(f('nacl.in'), 'utf8');
    expect(text).toMatch(/^!.*placeholder/im);
    expect(text).toMatch(/ibrav = 0\n\s+nat = 2\n\s+ntyp = 2/);
    expect(text).toMatch(/ATOMIC_SPECIES\nNa {2}22\.9\d* {2}Na\.UPF\nCl {2}35\.4\d* {2}Cl\.UPF/);
    expect(text).toMatch(/&ELECTRONS\n\/\n/);
    const back = readQeInput(text);
    expect(latticeDiff(back.lattice, rockSaltPrimitive().lattice)).toBeLessThan(1e-9);
    expect(fracDiff(back.fracCoords, rockSaltPrimitive().fracCoords)).toBeLessThan(1e-9);
  });

  it('--out-dir writes one file per input, and one per structure of a multi-structure input', async () => {
    const inputs = ['si.cif', 'nacl.vasp', 'md.extxyz', 'blocks.cif'].map(f);
    const r = await runMatdisc(['convert', ...inputs, '--out-dir', f('out'), '--to', 'qe', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { input: string; output: string; formula: string; sites: number }[];
    expect(rows).toEqual([
      { input: f('si.cif'), output: join(f('out'), 'si.pwi'), formula: 'Si', sites: 2 },
      { input: f('nacl.vasp'), output: join(f('out'), 'nacl.pwi'), formula: 'NaCl', sites: 2 },
      { input: f('md.extxyz'), output: join(f('out'), 'md-1.pwi'), formula: 'Si', sites: 2 },
      { input: f('md.extxyz'), output: join(f('out'), 'md-2.pwi'), formula: 'Si', sites: 4 },
      { input: f('blocks.cif'), output: join(f('out'), 'blocks-1.pwi'), formula: 'Si', sites: 2 },
      { input: f('blocks.cif'), output: join(f('out'), 'blocks-2.pwi'), formula: 'NaCl', sites: 2 },
    ]);
    expect(r.stderr.trim().split('\n')).toHaveLength(6);
    for (const row of rows) {
      const s = await readStructureFile(row.output);
      expect(s.species).toHaveLength(row.sites);
      expect(Structure.reducedFormula(s)).toBe(row.formula);
    }
    const frames = await readStructuresFile(f('md.extxyz'));
    expect(
      latticeDiff((await readStructureFile(join(f('out'), 'md-2.pwi'))).lattice, frames[1]!.lattice),
    ).toBeLessThan(1e-9);
  });

  it('IN OUT puts every structure into a CIF or extxyz OUT', async () => {
    const r = await runMatdisc(['convert', f('md.extxyz'), f('md.cif')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await readStructuresFile(f('md.cif'))).map((s) => s.species.length)).toEqual([2, 4]);
  });

  describe('refusals name the file and the fix, exit 1 and write nothing', () => {
    it('an output name that says no format', async () => {
      expectRefused(await runMatdisc(['convert', f('si.cif'), f('si.txt')]), [
        /si\.txt: cannot tell the output format from the name/,
        /\*\.cif, POSCAR/,
        /--to cif\|poscar\|extxyz\|qe/,
      ]);
      expect(existsSync(f('si.txt'))).toBe(false);
    });

    it('an unknown --to', async () => {
      const r = await runMatdisc(['convert', f('si.cif'), f('si2.cif'), '--to', 'pdb']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(
        /--to <format>' argument 'pdb' is invalid\. expected cif, poscar, extxyz or qe/,
      );
      expect(existsSync(f('si2.cif'))).toBe(false);
    });

    it('an output that exists, unless --force', async () => {
      writeFileSync(f('taken.vasp'), 'keep me\n');
      expectRefused(await runMatdisc(['convert', f('si.cif'), f('taken.vasp')]), [
        /taken\.vasp exists: pass --force to overwrite/,
      ]);
      expect(readFileSync(f('taken.vasp'), 'utf8')).toBe('keep me\n');
      const forced = await runMatdisc(['convert', f('si.cif'), f('taken.vasp'), '--force']);
      expect(forced.exitCode, forced.stderr).toBe(0);
      expect((await readStructureFile(f('taken.vasp'))).species).toEqual(['Si', 'Si']);
    });

    it('an existing output in --out-dir stops the whole batch before the first write', async () => {
      mkdirSync(f('partly'));
      writeFileSync(f('partly/nacl.cif'), 'keep me\n');
      expectRefused(
        await runMatdisc(['convert', f('si.cif'), f('nacl.vasp'), '--out-dir', f('partly'), '--to', 'cif']),
        [/partly\/nacl\.cif exists: pass --force/],
      );
      expect(readdirSync(f('partly'))).toEqual(['nacl.cif']);
    });

    it("an input that cannot be read, with the reader's message", async () => {
      expectRefused(await runMatdisc(['convert', f('missing.cif'), f('missing.vasp')]), [
        /missing\.cif: no such file \(ENOENT/,
        /check the path/,
      ]);
      writeFileSync(f('broken.cif'), 'data_x\n_cell_length_a 4\n');
      expectRefused(await runMatdisc(['convert', f('broken.cif'), f('broken.vasp')]), [/broken\.cif/]);
      expect(existsSync(f('missing.vasp')) || existsSync(f('broken.vasp'))).toBe(false);
    });

    it('one unreadable input of a batch: nothing is written, not even the folder', async () => {
      expectRefused(
        await runMatdisc(['convert', f('si.cif'), f('missing.cif'), '--out-dir', f('never'), '--to', 'cif']),
        [/missing\.cif: no such file/],
      );
      expect(existsSync(f('never'))).toBe(false);
    });

    it('several structures into a one-structure format, and --out-dir without --to', async () => {
      expectRefused(await runMatdisc(['convert', f('md.extxyz'), f('POSCAR-md')]), [
        /md\.extxyz holds 2 structures and a poscar file holds one/,
        /--out-dir DIR --to poscar/,
      ]);
      expect(existsSync(f('POSCAR-md'))).toBe(false);
      expectRefused(await runMatdisc(['convert', f('si.cif'), '--out-dir', f('never')]), [
        /--out-dir needs --to cif\|poscar\|extxyz\|qe/,
      ]);
      expectRefused(await runMatdisc(['convert', f('si.cif'), f('nacl.vasp'), f('x.cif')]), [
        /convert takes IN OUT \(got 3 files\)/,
        /--out-dir DIR --to FORMAT/,
      ]);
      expect(existsSync(f('never')) || existsSync(f('x.cif'))).toBe(false);
    });
  });
});
