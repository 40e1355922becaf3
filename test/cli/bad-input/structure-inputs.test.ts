/**
 * Bad structure input never hangs, lies or escapes (issue 12): every entry point that takes
 * structures (`predict`, `relax`, `match`, `dft`, `db import-reference`) is run as a user runs it,
 * through bin/matdisc.js in a child process with a timeout (a hang fails the case instead of
 * blocking the suite). A refusal exits non-zero, names the file and what is wrong with the limit or
 * the fix on stderr, and prints no result on stdout.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCif } from '../../../crystal/io/cif.js';
import { writePoscar } from '../../../crystal/io/poscar.js';
import { Lattice, type Mat3, type Vec3 } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { supercell } from '../../../crystal/supercell.js';
import { openTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { MORSE } from '../../models/mlip/models.js';

const ROOT = resolve(import.meta.dirname, '../../..');
/** A refusal takes a second or two; a case that runs this long is a hang. */
const HANG_MS = 25_000;

interface Run {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

async function matdisc(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const r = await execa('node', [join(ROOT, 'bin/matdisc.js'), ...args], {
    cwd: ROOT,
    reject: false,
    timeout: HANG_MS,
    env,
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), timedOut: r.timedOut };
}

/** stdout carries no result: empty, or at most an `{"error": …}` document under --json. */
function expectNoResult(stdout: string): void {
  if (stdout.trim() === '') return;
  const doc = JSON.parse(stdout) as Record<string, unknown>;
  expect(Object.keys(doc)).toContain('error');
  for (const key of ['energy_ev', 'results', 'match', 'converged']) expect(doc).not.toHaveProperty(key);
}

/** Runs `args` and checks a clean refusal whose stderr matches every pattern. */
async function expectRefused(
  args: readonly string[],
  patterns: readonly RegExp[],
  env?: Record<string, string>,
) {
  const r = await matdisc(args, env);
  expect(r.timedOut, `hung: matdisc ${args.join(' ')}`).toBe(false);
  expect(r.exitCode, r.stderr).not.toBe(0);
  for (const p of patterns) expect(r.stderr).toMatch(p);
  expect(r.stderr).not.toMatch(/Cannot read properties|is not a function|\n\s+at .*\.ts:\d+/);
  expectNoResult(r.stdout);
  return r;
}

const cifOf = (name: string, cell: readonly number[], sites: readonly string[]) =>
  [
    `data_${name}`,
    ...['a', 'b', 'c'].map((x, k) => `_cell_length_${x} ${cell[k]}`),
    ...['alpha', 'beta', 'gamma'].map((x, k) => `_cell_angle_${x} ${cell[k + 3]}`),
    'loop_',
    '_atom_site_label',
    '_atom_site_type_symbol',
    '_atom_site_fract_x',
    '_atom_site_fract_y',
    '_atom_site_fract_z',
    ...sites,
    '',
  ].join('\n');

const poscarOf = (lattice: readonly string[], species: string, counts: string, sites: readonly string[]) =>
  ['test', '1.0', ...lattice, species, counts, 'Direct', ...sites, ''].join('\n');

const DIAMOND: Vec3[] = [
  [0, 0, 0],
  [0.25, 0.25, 0.25],
  [0.5, 0.5, 0],
  [0.75, 0.75, 0.25],
  [0.5, 0, 0.5],
  [0.75, 0.25, 0.75],
  [0, 0.5, 0.5],
  [0.25, 0.75, 0.75],
];
const silicon = Structure.create(Lattice.cubic(5.43), Array(8).fill('Si'), DIAMOND);
/** a = b = c = 5.43 Å and all angles 120°: a + b + c ≈ 0, volume ≈ 5e-6 Å³. */
const SINGULAR_CELL = [5.43, 5.43, 5.43, 120, 120, 120];
const singularLattice: Mat3 = Lattice.fromParameters(5.43, 5.43, 5.43, 120, 120, 120);
const SINGULAR_MESSAGE = [
  /invalid structure \(Si\): degenerate_lattice: lattice is degenerate: volume 0\.000005048 Å³/,
  /needs volume > 1e-8 Å³ and width > minWidthRatio 0\.001 × longest = 0\.00543 Å/,
];

describe('bad structure input on the command line', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);
  const model = ['--model', MORSE, '--device', 'cpu'];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-bad-input-'));
    const files: Record<string, string | Buffer> = {
      'si8.cif': writeCif(silicon),
      'singular.cif': cifOf('singular', SINGULAR_CELL, ['Si1 Si 0 0 0', 'Si2 Si 0.25 0.25 0.25']),
      'singular.vasp': writePoscar(
        Structure.create(singularLattice, ['Si', 'Si'], [DIAMOND[0]!, DIAMOND[1]!]),
      ),
      'two-frames.extxyz': [
        '1',
        'Lattice="5.43 0 0 0 5.43 0 0 0 5.43" Properties=species:S:1:pos:R:3',
        'Si 0 0 0',
        '1',
        `Lattice="${singularLattice.flat().join(' ')}" Properties=species:S:1:pos:R:3`,
        'Si 0 0 0',
        '',
      ].join('\n'),
      'gamma180.cif': cifOf('flat', [5, 5, 5, 90, 90, 180], ['Si1 Si 0 0 0']),
      'zero-row.vasp': poscarOf(['5.43 0 0', '0 5.43 0', '0 0 0'], 'Si', '1', ['0 0 0']),
      'zero-lattice.extxyz': '1\nLattice="5 0 0 0 5 0 0 0 0" Properties=species:S:1:pos:R:3\nSi 0 0 0\n',
      'dup.cif': cifOf('dup', [5.43, 5.43, 5.43, 90, 90, 90], ['Si1 Si 0 0 0', 'Si2 Si 0 0 0']),
      'dup.extxyz': '2\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3\nSi 1 1 1\nSi 1 1 1\n',
      'tiny.cif': cifOf('tiny', [0.5, 0.5, 0.5, 90, 90, 90], ['Si1 Si 0 0 0']),
      'vast.cif': cifOf('vast', [20, 20, 20, 90, 90, 90], ['O1 O 0 0 0']),
      'si5000.vasp': writePoscar(supercell(silicon, [5, 5, 25])),
      'si9.cif': cifOf(
        'nine',
        [9, 9, 9, 90, 90, 90],
        Array.from({ length: 9 }, (_, i) => `Si${i} Si ${i / 9} ${0.1 * (i % 3)} ${0.2 * (i % 2)}`),
      ),
      'nacl.cif': cifOf('nacl', [5.64, 5.64, 5.64, 90, 90, 90], ['Na1 Na 0 0 0', 'Cl1 Cl 0.5 0.5 0.5']),
      'cut.cif.gz': gzipSync(writeCif(silicon)).subarray(0, 40),
      'plain.cif.gz': writeCif(silicon),
      'empty.cif': '',
      'blank-POSCAR': '\n  \n',
      'binary.vasp': Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x41]),
      'garbage.cif': 'hello, this is not a crystal\n',
      'notes.txt': 'a b c\n',
      'nosites.cif': writeCif(silicon).split('loop_')[0]!,
      'nan.cif': cifOf('nan', [5, 5, 5, 90, 90, 90], ['Si1 Si nan 0 0']),
      'unknown.cif': cifOf('unknown', [5, 5, 5, 90, 90, 90], ['Xx1 Xx 0 0 0']),
      'short-loop.cif': cifOf('short', [5, 5, 5, 90, 90, 90], ['Si1 Si 0 0']),
      'quote.cif': cifOf('quote', [5, 5, 5, 90, 90, 90], ["'Si1 Si 0 0 0"]),
      'counts.vasp': poscarOf(['5 0 0', '0 5 0', '0 0 5'], 'Si', '3', ['0 0 0', '0.5 0.5 0.5']),
      'nan.vasp': poscarOf(['5 0 0', '0 5 0', '0 0 5'], 'Si', '1', ['nan 0 0']),
      'species.vasp': poscarOf(['5 0 0', '0 5 0', '0 0 5'], 'Si Ge', '2', ['0 0 0', '0.5 0.5 0.5']),
      'nolattice.extxyz': '1\nProperties=species:S:1:pos:R:3\nSi 0 0 0\n',
      'nan.extxyz': '1\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3\nSi nan 0 0\n',
      'short.extxyz': '2\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3\nSi 0 0 0\n',
      'broken.pwi': '&control\n/\n&system\n ibrav = 0\n',
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(f(name), content);
    mkdirSync(f('folder.cif'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('a near-singular cell (volume 5e-6 Å³) is refused by every entry point, at once', () => {
    it('predict', async () => {
      await expectRefused(
        ['predict', f('singular.cif'), ...model, '--json'],
        [/singular\.cif: /, ...SINGULAR_MESSAGE],
      );
    });
    it('predict, as a POSCAR', async () => {
      await expectRefused(
        ['predict', f('singular.vasp'), ...model],
        [/singular\.vasp: /, /degenerate_lattice/],
      );
    });
    it('predict names the bad frame of a multi-frame file', async () => {
      await expectRefused(
        ['predict', f('two-frames.extxyz'), ...model],
        [
          /two-frames\.extxyz, structure 1: invalid structure \(Si\): degenerate_lattice/,
          /minWidthRatio 0\.001/,
        ],
      );
    });
    it('relax', async () => {
      await expectRefused(
        ['relax', f('singular.cif'), ...model, '--json'],
        [/singular\.cif: /, ...SINGULAR_MESSAGE],
      );
    });
    it('relax names the bad file of several and relaxes none', async () => {
      await expectRefused(
        ['relax', f('si8.cif'), f('singular.vasp'), ...model],
        [/singular\.vasp: .*degenerate_lattice/],
      );
    });
    it('match, as the first structure', async () => {
      await expectRefused(
        ['match', f('singular.cif'), f('si8.cif')],
        [/singular\.cif: /, ...SINGULAR_MESSAGE],
      );
    });
    it('match, as the second structure', async () => {
      await expectRefused(
        ['match', f('si8.cif'), f('singular.vasp'), '--json'],
        [/singular\.vasp: .*degenerate_lattice/],
      );
    });
    it('dft, before pw.x starts or any work directory is made', async () => {
      await expectRefused(
        ['dft', f('singular.cif'), '--work-dir', f('dft-singular')],
        [/singular\.cif: /, ...SINGULAR_MESSAGE],
        { MATDISC_DATA_DIR: f('data') },
      );
      expect(existsSync(f('dft-singular'))).toBe(false);
    });
  });

  describe('zero-volume cells are refused by the readers, naming the file and line', () => {
    it('CIF with γ = 180°', async () => {
      await expectRefused(
        ['predict', f('gamma180.cif'), ...model],
        [/gamma180\.cif, line 1\]: data_flat: cell parameters .* give zero volume/],
      );
    });
    it('POSCAR with a zero lattice row', async () => {
      await expectRefused(['relax', f('zero-row.vasp'), ...model], [/zero-row\.vasp, line 3\].*zero volume/]);
    });
    it('extxyz with a zero lattice row', async () => {
      await expectRefused(
        ['match', f('zero-lattice.extxyz'), f('si8.cif')],
        [/zero-lattice\.extxyz, line 2\] \(Lattice\): frame 1: Lattice "5 0 0 0 5 0 0 0 0" has zero volume/],
      );
    });
  });

  describe('atoms on top of each other and absurd volumes are refused with the numbers', () => {
    it('predict: two atoms at the same position (used to print every number as null, exit 0)', async () => {
      await expectRefused(
        ['predict', f('dup.cif'), ...model, '--json'],
        [
          /dup\.cif: invalid structure \(Si\): too_close: atoms 0 \(Si\) and 1 \(Si\) are 0\.000 Å apart, closer than 0\.5 Å \(minDistance/,
        ],
      );
    });
    it('predict: a 0.5 Å cubic cell (used to give +207 eV/atom without a word)', async () => {
      await expectRefused(
        ['predict', f('tiny.cif'), ...model],
        [
          /tiny\.cif: invalid structure \(Si\): volume_per_atom: volume per atom 0\.125 Å³ .*outside \[1, 1000\] Å³ \(minVolumePerAtom, maxVolumePerAtom\)/,
        ],
      );
    });
    it('predict: 8000 Å³ per atom is beyond maxVolumePerAtom', async () => {
      await expectRefused(
        ['predict', f('vast.cif'), ...model],
        [/vast\.cif: .*volume per atom 8000\.000 Å³ .*\[1, 1000\]/],
      );
    });
    it('predict: coinciding atoms in extxyz', async () => {
      await expectRefused(
        ['predict', f('dup.extxyz'), ...model],
        [/dup\.extxyz: .*too_close: .*0\.000 Å apart/],
      );
    });
    it('relax: coinciding atoms', async () => {
      await expectRefused(['relax', f('dup.cif'), ...model, '--json'], [/dup\.cif: .*too_close/]);
    });
    it('relax: 0.5 Å cell', async () => {
      await expectRefused(['relax', f('tiny.cif'), ...model], [/tiny\.cif: .*volume_per_atom.*0\.125 Å³/]);
    });
    it('match: coinciding atoms', async () => {
      await expectRefused(
        ['match', f('dup.cif'), f('si8.cif')],
        [/dup\.cif: .*too_close: .*closer than 0\.5 Å/],
      );
    });
    it('dft: coinciding atoms, before pw.x', async () => {
      await expectRefused(['dft', f('dup.cif'), '--work-dir', f('dft-dup')], [/dup\.cif: .*too_close/], {
        MATDISC_DATA_DIR: f('data'),
      });
      expect(existsSync(f('dft-dup'))).toBe(false);
    });
    it('dft: 0.5 Å cell, before pw.x', async () => {
      await expectRefused(
        ['dft', f('tiny.cif'), '--json', '--work-dir', f('dft-tiny')],
        [/tiny\.cif: .*volume_per_atom/],
        {
          MATDISC_DATA_DIR: f('data'),
        },
      );
      expect(existsSync(f('dft-tiny'))).toBe(false);
    });
  });

  describe('match of a 5000-site cell answers or refuses at once', () => {
    it('refuses a 5000-site cell of the same formula with the limit and the option (used to run > 90 s)', async () => {
      const started = performance.now();
      await expectRefused(
        ['match', f('si5000.vasp'), f('si8.cif'), '--json'],
        [
          /si5000\.vasp: 5000 sites, more than --max-sites 2000/,
          /reduce it to its primitive cell first, or raise --max-sites/,
        ],
      );
      expect(performance.now() - started).toBeLessThan(15_000);
    });
    it('refuses a cell over --max-sites', async () => {
      await expectRefused(
        ['match', f('si9.cif'), f('si8.cif'), '--max-sites', '4'],
        [/si9\.cif: 9 sites, more than --max-sites 4/],
      );
    });
    it('refuses a --max-sites that is not a whole number', async () => {
      await expectRefused(
        ['match', f('si8.cif'), f('si8.cif'), '--max-sites', 'many'],
        [/--max-sites/, /whole number/],
      );
    });
    it('answers "no match" at once when the reduced formulas differ, saying so', async () => {
      const r = await matdisc(['match', f('si5000.vasp'), f('nacl.cif'), '--json']);
      expect(r.timedOut).toBe(false);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ match: false, rms: null });
      expect(r.stderr).toMatch(/no match: reduced formulas differ: Si vs NaCl/);
    });
    it('answers "no match" when the site counts cannot reduce to the same primitive cell', async () => {
      const r = await matdisc(['match', f('si9.cif'), f('si8.cif')]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        /^no match: site counts: 9 sites is not a multiple of the 2-site primitive cell/,
      );
    });
  });

  describe('files that cannot be read name the file and the fix', () => {
    it('predict: a directory (was "EISDIR: illegal operation on a directory, read")', async () => {
      await expectRefused(
        ['predict', f('folder.cif'), ...model],
        [/folder\.cif is a directory \(EISDIR\), not a structure file: pass one of the files in it/],
      );
    });
    it('relax: a directory', async () => {
      await expectRefused(['relax', f('folder.cif'), ...model], [/folder\.cif is a directory/]);
    });
    it('match: a directory', async () => {
      await expectRefused(['match', f('si8.cif'), f('folder.cif')], [/folder\.cif is a directory/]);
    });
    it('dft: a directory', async () => {
      await expectRefused(['dft', f('folder.cif')], [/folder\.cif is a directory/], {
        MATDISC_DATA_DIR: f('data'),
      });
    });
    it('predict: a truncated .gz (was "unexpected end of file")', async () => {
      await expectRefused(
        ['predict', f('cut.cif.gz'), ...model],
        [
          /cut\.cif\.gz: cannot gunzip it \(unexpected end of file\): the compressed data is cut short/,
          /fetch or copy the file again/,
        ],
      );
    });
    it('match: a .gz that is not gzip', async () => {
      await expectRefused(
        ['match', f('plain.cif.gz'), f('si8.cif')],
        [/plain\.cif\.gz: cannot gunzip it \(not gzip data/, /rename it without \.gz/],
      );
    });
    it('predict: a file that does not exist', async () => {
      await expectRefused(
        ['predict', f('missing.cif'), ...model],
        [/missing\.cif: no such file \(ENOENT; looked for \/.*missing\.cif\); check the path/],
      );
    });
    it('dft: a file that does not exist', async () => {
      await expectRefused(['dft', f('missing.vasp')], [/missing\.vasp: no such file/], {
        MATDISC_DATA_DIR: f('data'),
      });
    });
    it('predict: an empty file', async () => {
      await expectRefused(
        ['predict', f('empty.cif'), ...model],
        [/empty\.cif is empty \(0 bytes of text\): expected a structure/],
      );
    });
    it('relax: a POSCAR of blank lines', async () => {
      await expectRefused(['relax', f('blank-POSCAR'), ...model], [/blank-POSCAR is empty/]);
    });
    it('predict: binary garbage', async () => {
      await expectRefused(
        ['predict', f('binary.vasp'), ...model],
        [/binary\.vasp is not a text file \(it holds NUL bytes\)/],
      );
    });
    it('predict: text that is not a CIF', async () => {
      await expectRefused(
        ['predict', f('garbage.cif'), ...model],
        [/cif \[.*garbage\.cif, line 1\]: expected "data_<name>" before "hello,"/],
      );
    });
    it('predict: a file whose format cannot be told, listing the formats', async () => {
      await expectRefused(
        ['predict', f('notes.txt'), ...model],
        [/cannot tell the format of ".*notes\.txt": supported formats are CIF/],
      );
    });
    it('predict: a CIF with a cell and no sites (used to print [] and exit 0)', async () => {
      await expectRefused(
        ['predict', f('nosites.cif'), ...model, '--json'],
        [/nosites\.cif, line 2\] \(_atom_site_fract_x\): .*no _atom_site_fract_x/],
      );
    });
  });

  describe('malformed content names the file, line and field', () => {
    it('CIF: a NaN coordinate', async () => {
      await expectRefused(
        ['predict', f('nan.cif'), ...model],
        [/nan\.cif, line \d+\] \(_atom_site_fract_x\): data_nan: site Si1: x = "nan" is not a number/],
      );
    });
    it('CIF: an unknown element', async () => {
      await expectRefused(
        ['relax', f('unknown.cif'), ...model],
        [/unknown\.cif, line \d+\] \(_atom_site_type_symbol\): .*"Xx" is not an element/],
      );
    });
    it('CIF: a loop row with too few values', async () => {
      await expectRefused(
        ['match', f('short-loop.cif'), f('si8.cif')],
        [/short-loop\.cif, line \d+\].*loop_ with 5 tags has 4 values/],
      );
    });
    it('CIF: an unterminated quote', async () => {
      await expectRefused(
        ['predict', f('quote.cif'), ...model],
        [/quote\.cif, line \d+\]: unterminated ' quote/],
      );
    });
    it('POSCAR: counts that do not match the positions', async () => {
      await expectRefused(
        ['predict', f('counts.vasp'), ...model],
        [/counts\.vasp, line \d+\]: expected the position of atom 3/],
      );
    });
    it('POSCAR: a NaN position', async () => {
      await expectRefused(
        ['relax', f('nan.vasp'), ...model],
        [/nan\.vasp, line 9\] \(position\): expected 3 numbers/],
      );
    });
    it('POSCAR: two species and one count', async () => {
      await expectRefused(
        ['dft', f('species.vasp')],
        [/species\.vasp, line 7\] \(counts\): expected 2 non-negative integer counts/],
        {
          MATDISC_DATA_DIR: f('data'),
        },
      );
    });
    it('extxyz: no Lattice', async () => {
      await expectRefused(
        ['predict', f('nolattice.extxyz'), ...model],
        [/nolattice\.extxyz, line 2\] \(Lattice\): frame 1: no Lattice=/],
      );
    });
    it('extxyz: a NaN position', async () => {
      await expectRefused(
        ['predict', f('nan.extxyz'), ...model],
        [/nan\.extxyz, line 3\] \(pos\): .*"nan" is not a number/],
      );
    });
    it('extxyz: fewer atom lines than the count', async () => {
      await expectRefused(
        ['match', f('short.extxyz'), f('si8.cif')],
        [/short\.extxyz, line \d+\]: frame 1: expected 2 atom lines, found 1/],
      );
    });
    it('pw.x input: a namelist that never closes', async () => {
      await expectRefused(['predict', f('broken.pwi'), ...model], [/broken\.pwi/]);
    });
  });

  describe('db import-reference', () => {
    let t: TestDatabase;
    let env: Record<string, string>;
    beforeAll(async () => {
      t = await openTestDatabase('postgres');
      env = { DATABASE_URL: t.url, MATDISC_DATA_DIR: f('data') };
    });
    afterAll(async () => t.close());

    it('a CIF file without sites is an error naming the file (used to import nothing, exit 0)', async () => {
      await expectRefused(
        ['db', 'import-reference', f('nosites.cif')],
        [/nosites\.cif, line 2\] \(_atom_site_fract_x\): .*no _atom_site_fract_x/],
        env,
      );
    });
    it('a broken CIF file names the file and line', async () => {
      await expectRefused(
        ['db', 'import-reference', f('short-loop.cif')],
        [/short-loop\.cif, line \d+\].*loop_ with 5 tags has 4 values/],
        env,
      );
    });
    it('a CSV row with a broken cif is rejected with its file, row and what is wrong (was "Cannot read properties of undefined")', async () => {
      const header = 'material_id,formation_energy_per_atom,e_above_hull,cif';
      writeFileSync(f('rows.csv'), `${header}\nbroken-1,0,0,"data_x\n_cell_length_a 4\n"\n`);
      const r = await matdisc(['db', 'import-reference', f('rows.csv'), '--json'], env);
      expect(r.timedOut).toBe(false);
      expect(r.exitCode, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as {
        imported: number;
        rejected: { line: number; reason: string }[];
      };
      expect(report.imported).toBe(0);
      expect(report.rejected).toHaveLength(1);
      expect(report.rejected[0]!.line).toBe(2);
      expect(report.rejected[0]!.reason).toMatch(
        /rows\.csv:2, line 1\] \(_cell_length_b\): data_x: missing _cell_length_b/,
      );
    });
    it('a directory is refused before the database is opened', async () => {
      await expectRefused(['db', 'import-reference', f('folder.cif')], [/folder\.cif is a directory/], {
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      });
    });
    it('a missing file is refused before the database is opened', async () => {
      await expectRefused(['db', 'import-reference', f('missing.csv')], [/missing\.csv: no such file/], {
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      });
    });
    it('a truncated .csv.gz names the file', async () => {
      writeFileSync(f('cut.csv.gz'), gzipSync('material_id,cif\n'.repeat(2000)).subarray(0, 60));
      await expectRefused(
        ['db', 'import-reference', f('cut.csv.gz')],
        [/cut\.csv\.gz: cannot gunzip it \(unexpected end of file\)/],
        env,
      );
    });
  });
});
