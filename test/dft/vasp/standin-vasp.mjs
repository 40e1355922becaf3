#!/usr/bin/env node
/**
 * STAND-IN for the VASP executable, for tests only. VASP is licensed and cannot run on this
 * project's machines, so the VASP engine's end-to-end tests run this script in its place. It does
 * no physics: it checks that the engine wrote the inputs VASP needs, then replays the output files
 * of a real VASP run (shared data, vasp_fixtures/) into the working directory.
 *
 * Environment:
 *   VASP_STANDIN_FIXTURE  folder of the real run to replay (required), e.g. .../parse-vasp-with-magmoms
 *   VASP_STANDIN_EDIT     optional edit of the replayed OUTCAR, applied on the first attempt of a
 *                         work root only (a marker file in the parent folder remembers it):
 *                         'drop-reached-accuracy-once' removes "reached required accuracy" (a
 *                         relaxation out of NSW steps); 'drop-ediff-reached-once' removes the last
 *                         "aborting loop because EDIFF is reached" (an SCF out of NELM steps);
 *                         'crash-zpotrf' prints VASP's ZPOTRF error and exits 1 with no output.
 *
 * Checks (exit code 2 and a message on stderr when one fails, as VASP refuses bad input):
 * INCAR, POSCAR, KPOINTS and POTCAR exist and are not empty; the POSCAR's species and counts lines
 * equal the replayed run's; the POTCAR holds one dataset ("End of Dataset") per species.
 *
 * stdout gets the replayed OSZICAR, whose lines VASP also prints to stdout (progress tracking).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { gunzipSync } from 'node:zlib';

function fail(message) {
  process.stderr.write(`standin-vasp: ${message}\n`);
  process.exit(2);
}

const fixture = process.env.VASP_STANDIN_FIXTURE;
if (!fixture || !existsSync(fixture))
  fail(`VASP_STANDIN_FIXTURE=${fixture ?? ''} does not name a fixture folder`);
const edit = process.env.VASP_STANDIN_EDIT ?? '';

for (const file of ['INCAR', 'POSCAR', 'KPOINTS', 'POTCAR']) {
  if (!existsSync(file) || readFileSync(file, 'latin1').trim() === '')
    fail(`input file ${file} is missing or empty`);
}

const speciesAndCounts = (text) => {
  const lines = text.split(/\r?\n/);
  return `${(lines[5] ?? '').trim().split(/\s+/).join(' ')} / ${(lines[6] ?? '').trim().split(/\s+/).join(' ')}`;
};
const written = speciesAndCounts(readFileSync('POSCAR', 'utf8'));
const expected = speciesAndCounts(readFileSync(join(fixture, 'POSCAR'), 'utf8'));
if (written !== expected)
  fail(`POSCAR species/counts "${written}" do not match the replayed run's "${expected}"`);
const nSpecies = expected.split(' / ')[0].split(' ').length;
const datasets = (readFileSync('POTCAR', 'latin1').match(/End of Dataset/g) ?? []).length;
if (datasets !== nSpecies) fail(`POTCAR holds ${datasets} datasets for ${nSpecies} species`);

if (edit === 'crash-zpotrf') {
  process.stdout.write(' running on    1 total cores\n LAPACK: Routine ZPOTRF failed!\n');
  process.exit(1);
}

const marker = join('..', 'standin-edit-done');
const editNow = edit.endsWith('-once') && !existsSync(marker);
if (editNow) writeFileSync(marker, `${edit}\n`);

let outcar = readFileSync(join(fixture, 'OUTCAR'), 'latin1');
if (editNow && edit === 'drop-reached-accuracy-once') {
  outcar = outcar.replace(
    /^.*reached required accuracy - stopping structural energy minimisation.*\r?\n/m,
    '',
  );
} else if (editNow && edit === 'drop-ediff-reached-once') {
  const at = outcar.lastIndexOf('aborting loop because EDIFF is reached');
  const start = outcar.lastIndexOf('\n', at) + 1;
  outcar = outcar.slice(0, start) + outcar.slice(outcar.indexOf('\n', at) + 1);
}

process.stdout.write(readFileSync(join(fixture, 'OSZICAR'), 'latin1'));
writeFileSync('OUTCAR', outcar, 'latin1');
copyFileSync(join(fixture, 'CONTCAR'), 'CONTCAR');
copyFileSync(join(fixture, 'OSZICAR'), 'OSZICAR');
if (existsSync(join(fixture, 'vasprun.xml'))) copyFileSync(join(fixture, 'vasprun.xml'), 'vasprun.xml');
else writeFileSync('vasprun.xml', gunzipSync(readFileSync(join(fixture, 'vasprun.xml.gz'))));
process.stdout.write(`standin-vasp: replayed ${fixture}${editNow ? ` (edited: ${edit})` : ''}\n`);
