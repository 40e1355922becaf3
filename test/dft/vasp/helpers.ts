/**
 * Shared pieces of the VASP tests: where the two real VASP runs live (shared data, README §4), a
 * fake PAW library (dummy POTCAR files: VASP's potentials are licensed and never part of the
 * project), and temporary copies of a fixture that a test may edit.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readPoscar } from '../../../crystal/io/poscar.js';
import type { Structure } from '../../../crystal/structure.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const vaspFixturesDir =
  process.env.VASP_FIXTURES_DIR ?? resolve(repoRoot, '../shared/data/vasp_fixtures');
/** Nb16C8O8, VASP 5.4.4, ISIF 3 relaxation, 49 ionic steps, not spin-polarised. */
export const noMagmomsDir = join(vaspFixturesDir, 'parse-vasp-no-magmoms');
/** Li20Cl20, VASP 6.3.2, single point, ISPIN 2; vasprun.xml.gz. */
export const withMagmomsDir = join(vaspFixturesDir, 'parse-vasp-with-magmoms');
export const goldenDir = resolve(repoRoot, 'test/dft/vasp/fixtures/golden');
export const standinPath = resolve(repoRoot, 'test/dft/vasp/standin-vasp.mjs');

export async function readFixtureStructure(dir: string, file: 'POSCAR' | 'CONTCAR'): Promise<Structure> {
  return readPoscar(await readFile(join(dir, file), 'utf8'), { source: join(dir, file) });
}

/** vasprun.xml of a fixture as text (gunzipped in memory when the fixture holds vasprun.xml.gz). */
export async function readFixtureVasprun(dir: string): Promise<string> {
  try {
    return (await readFile(join(dir, 'vasprun.xml'))).toString('latin1');
  } catch {
    return gunzipSync(await readFile(join(dir, 'vasprun.xml.gz'))).toString('latin1');
  }
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `matdisc-vasp-${prefix}-`));
}

/** Copies a fixture's output files (vasprun.xml gunzipped) into a fresh temporary folder. */
export async function copyFixture(
  dir: string,
  files = ['OUTCAR', 'CONTCAR', 'OSZICAR', 'POSCAR'],
): Promise<string> {
  const target = await tempDir('fixture');
  for (const f of files) await copyFile(join(dir, f), join(target, f));
  await writeFile(join(target, 'vasprun.xml'), await readFixtureVasprun(dir), 'latin1');
  return target;
}

/**
 * A fake PAW library for tests: `<root>/fake-paw-library-for-tests/<variant>/POTCAR`, each a few
 * lines shaped like a real POTCAR header (TITEL, ENMAX, "End of Dataset") and saying it is fake.
 * No potential data: these files only let the input writer and the stand-in run.
 */
export async function createFakePawLibrary(variants: readonly string[], enmaxEv = 400): Promise<string> {
  const root = join(await tempDir('paw'), 'fake-paw-library-for-tests');
  for (const variant of variants) {
    await mkdir(join(root, variant), { recursive: true });
    await writeFile(
      join(root, variant, 'POTCAR'),
      [
        `  PAW_PBE ${variant} 01Jan2000 FAKE`,
        '  matdisc test fixture: a dummy POTCAR, not a potential (VASP potentials are licensed)',
        `   TITEL  = PAW_PBE ${variant} 01Jan2000 FAKE`,
        `   ENMAX  =  ${enmaxEv.toFixed(3)}; ENMIN  =  ${(0.75 * enmaxEv).toFixed(3)} eV`,
        ' End of Dataset',
        '',
      ].join('\n'),
    );
  }
  return root;
}

/** Largest absolute difference between two arrays of numbers (nested arrays are flattened). */
export function maxAbsDiff(a: readonly unknown[], b: readonly unknown[]): number {
  const fa = (a as unknown[]).flat(3) as number[];
  const fb = (b as unknown[]).flat(3) as number[];
  if (fa.length !== fb.length) return Number.POSITIVE_INFINITY;
  return fa.reduce((m, x, i) => Math.max(m, Math.abs(x - fb[i]!)), 0);
}
