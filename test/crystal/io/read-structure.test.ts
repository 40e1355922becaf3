import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  formatFromContent,
  formatFromFileName,
  readStructure,
  readStructureFile,
  readStructures,
  readStructuresFile,
  readTextFile,
  Structure,
  StructureFileError,
  StructureParseError,
  writeCif,
  writeExtxyz,
  writePoscar,
  writeQeCellAndPositions,
} from '../../../crystal/index.js';
import { dataPath, fixturePath, readCsvRows } from '../data.js';
import { fracDiff, rockSaltPrimitive } from '../helpers.js';

describe('format detection', () => {
  it('picks the format from the file name', () => {
    const cases: [string, string | undefined][] = [
      ['mp-149.cif', 'cif'],
      ['/runs/a/POSCAR', 'poscar'],
      ['CONTCAR_relaxed', 'poscar'],
      ['Si.vasp', 'poscar'],
      ['POSCAR.gz', 'poscar'],
      ['train.extxyz', 'extxyz'],
      ['frames.XYZ', 'extxyz'],
      ['scf.in', 'qe-input'],
      ['relax.pwi', 'qe-input'],
      ['relax.pwo', 'qe-output'],
      ['relax.out', undefined],
      ['notes.txt', undefined],
    ];
    for (const [name, want] of cases) expect(formatFromFileName(name), name).toBe(want);
  });

  it('sniffs the content when the name says nothing', () => {
    const s = rockSaltPrimitive();
    expect(formatFromContent(writeCif(s))).toBe('cif');
    expect(formatFromContent(writePoscar(s))).toBe('poscar');
    expect(formatFromContent(writeExtxyz([{ structure: s }]))).toBe('extxyz');
    expect(formatFromContent(`&system\n ibrav=0, nat=2\n/\n${writeQeCellAndPositions(s)}`)).toBe('qe-input');
    expect(formatFromContent(readFileSync(fixturePath('si-relax.pwo'), 'utf8'))).toBe('qe-output');
    expect(formatFromContent('hello world')).toBeUndefined();
  });

  it('reads the same crystal from every format, by name or by content', () => {
    const s = rockSaltPrimitive();
    const texts: [string, string][] = [
      ['x.cif', writeCif(s)],
      ['POSCAR', writePoscar(s)],
      ['x.extxyz', writeExtxyz([{ structure: s }])],
      ['x.pwi', `&system\n ibrav=0, nat=2\n/\n${writeQeCellAndPositions(s)}`],
    ];
    for (const [name, text] of texts) {
      for (const options of [{ fileName: name }, {}]) {
        const r = readStructure(text, options);
        expect(r.species).toEqual(['Na', 'Cl']);
        expect(Structure.volume(r)).toBeCloseTo(Structure.volume(s), 6);
        expect(fracDiff(r.fracCoords, s.fracCoords)).toBeLessThan(1e-8);
      }
    }
  });

  it('names the file and the supported formats when it cannot tell', () => {
    let caught: unknown;
    try {
      readStructure('hello world', { fileName: 'notes.txt' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StructureParseError);
    const msg = (caught as Error).message;
    expect(msg).toContain('cannot tell the format of "notes.txt"');
    for (const part of [
      'CIF (*.cif)',
      'POSCAR/CONTCAR',
      'extended XYZ (*.extxyz, *.xyz)',
      'pw.x input (*.in, *.pwi)',
    ])
      expect(msg).toContain(part);
    // A name that picks a format wins over the content, and errors quote the name.
    expect(() => readStructure(writePoscar(rockSaltPrimitive()), { fileName: 'wrong.cif' })).toThrow(
      /cif \[wrong\.cif, line 1\]: expected "data_<name>" before "Na1Cl1"/,
    );
  });
});

describe('reading files', () => {
  it('reads POSCAR, CONTCAR, extxyz and pw.x files from disk, gunzipping .gz', async () => {
    const poscar = await readStructureFile(dataPath('vasp_fixtures/parse-vasp-with-magmoms/CONTCAR'));
    expect(Structure.reducedFormula(poscar)).toBe('LiCl');
    const frames = await readStructuresFile(dataPath('mlip/mlearn_zuo2020/extxyz/Si_test.extxyz'));
    expect(frames).toHaveLength(25);
    const relaxed = await readStructureFile(fixturePath('si-vc-relax.pwo'));
    expect(Structure.volume(relaxed)).toBeCloseTo(44.15677, 4);
    const input = await readStructureFile(fixturePath('si-relax.pwi'));
    expect(input.species).toEqual(['Si', 'Si']);
    const rows = readCsvRows(dataPath('mp_20/pilot_first1000/test.csv.gz')).slice(0, 3);
    const cifs = readStructures(rows.map((r) => r.cif).join('\n'), { fileName: 'three.cif' });
    expect(cifs.map((s) => Structure.reducedFormula(s))).toEqual(rows.map((r) => r.pretty_formula));
    expect((await readTextFile(dataPath('mp_20/pilot_first1000/test.csv.gz'))).slice(0, 22)).toBe(
      'Unnamed: 0,material_id',
    );
    await expect(readStructureFile(fixturePath('no-such-file.cif'))).rejects.toThrow(/ENOENT/);
  });

  it('names the file and the fix when it cannot be read as text or holds no structure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'matdisc-read-'));
    try {
      const cif = writeCif(rockSaltPrimitive());
      const gz = gzipSync(cif);
      const files: Record<string, string | Buffer> = {
        'cut.cif.gz': gz.subarray(0, gz.length >> 1),
        'plain.cif.gz': cif,
        'empty.cif': '',
        'blank.vasp': ' \n\n',
        'binary.vasp': Buffer.from([0, 1, 2, 3, 0x41]),
        // A cell and no sites: readCifAll finds no block with sites, which used to read as [].
        'nosites.cif': writeCif(rockSaltPrimitive()).split('loop_')[0]!,
        'hidden.cif': gz, // gzip content without .gz: still read
      };
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
      mkdirSync(join(dir, 'folder.cif'));
      const p = (name: string) => join(dir, name);
      const cases: [string, RegExp][] = [
        [
          'folder.cif',
          /folder\.cif is a directory \(EISDIR\), not a structure file: pass one of the files in it/,
        ],
        [
          'cut.cif.gz',
          /cut\.cif\.gz: cannot gunzip it \(unexpected end of file\).*fetch or copy the file again/,
        ],
        ['plain.cif.gz', /plain\.cif\.gz: cannot gunzip it \(not gzip data.*rename it without \.gz/],
        ['empty.cif', /empty\.cif is empty \(0 bytes of text\): expected a structure/],
        ['blank.vasp', /blank\.vasp is empty/],
        ['binary.vasp', /binary\.vasp is not a text file \(it holds NUL bytes\)/],
        [
          'nosites.cif',
          /cif \[.*nosites\.cif, line 2\] \(_atom_site_fract_x\): data_NaCl: no _atom_site_fract_x/,
        ],
      ];
      for (const [name, message] of cases) {
        await expect(readStructuresFile(p(name)), name).rejects.toThrow(message);
        await expect(readStructureFile(p(name)), name).rejects.toThrow(message);
      }
      await expect(readTextFile(p('empty.cif'))).rejects.toBeInstanceOf(StructureFileError);
      await expect(readTextFile(p('folder.cif'))).rejects.toMatchObject({
        code: 'EISDIR',
        path: p('folder.cif'),
      });
      expect(Structure.reducedFormula(await readStructureFile(p('hidden.cif')))).toBe('NaCl');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
