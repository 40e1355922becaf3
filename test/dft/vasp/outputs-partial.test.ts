/**
 * The VASP output readers on incomplete directories, made from the real runs by cutting or editing
 * copies: a run killed mid-relaxation, a directory with only one of the two files, an electronic
 * loop that ran out of NELM steps, and the site-order file of the inputs.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputParseError } from '../../../dft/errors.js';
import { parseVaspOutputs, readVaspRun } from '../../../dft/vasp/vasp-outputs.js';
import { SITE_ORDER_FILE } from '../../../dft/vasp/site-order.js';
import { copyFixture, maxAbsDiff, noMagmomsDir, tempDir, withMagmomsDir } from './helpers.js';

/** Cuts `text` in the middle of the `n`-th occurrence (1-based) of `marker`. */
function cutAt(text: string, marker: string, n: number, extra = 40): string {
  let at = -1;
  for (let k = 0; k < n; k++) at = text.indexOf(marker, at + 1);
  return text.slice(0, at + extra);
}

describe('a relaxation killed after 20 ionic steps (copies of the Nb16C8O8 run, cut)', () => {
  it('reads the 20 complete steps from both files and reports the run as unfinished', async () => {
    const dir = await copyFixture(noMagmomsDir);
    const xml = await readFile(join(dir, 'vasprun.xml'), 'latin1');
    const outcar = await readFile(join(dir, 'OUTCAR'), 'latin1');
    await writeFile(join(dir, 'vasprun.xml'), cutAt(xml, '<calculation>', 21, 300), 'latin1');
    await writeFile(join(dir, 'OUTCAR'), cutAt(outcar, 'Iteration     21(   3)', 1), 'latin1');
    const run = await readVaspRun(dir);
    expect(run.sources).toEqual({ vasprun: true, vasprunComplete: false, outcar: true });
    expect(run.ionicSteps).toHaveLength(20);
    expect(run.ionicSteps[19]!.energyEv).toBe(-252.2387224);
    expect(run.finished).toBe(false);
    expect(run.ionicConverged).toBe(false);
    const result = await parseVaspOutputs(dir);
    expect(result).toMatchObject({
      jobDone: false,
      ionicConverged: false,
      scfCycles: 20,
      energyEv: -252.2387224,
    });
    expect(result.finalStructure?.species).toHaveLength(32);
  });

  it('keeps a step whose energies were written even when the file ends inside its <calculation>', async () => {
    const dir = await copyFixture(noMagmomsDir);
    const xml = await readFile(join(dir, 'vasprun.xml'), 'latin1');
    await writeFile(join(dir, 'vasprun.xml'), cutAt(xml, '<time name="totalsc">', 3, 5), 'latin1');
    await rm(join(dir, 'OUTCAR'));
    const run = await readVaspRun(dir);
    expect(run.ionicSteps).toHaveLength(3);
    expect(run.sources.vasprunComplete).toBe(false);
  });
});

describe('one file of the two', () => {
  it('vasprun.xml alone: SCF convergence from electronic step counts < NELM, ionic from steps < NSW', async () => {
    const dir = await copyFixture(noMagmomsDir);
    await rm(join(dir, 'OUTCAR'));
    const result = await parseVaspOutputs(dir);
    expect(result).toMatchObject({
      energyEv: -253.88059011,
      scfConverged: true,
      ionicConverged: true,
      scfCycles: 49,
      jobDone: false,
    });
    expect(result.wallS).toBeNull();
  });

  it('OUTCAR alone: species from the POTCAR titles, structures from the TOTAL-FORCE positions', async () => {
    const dir = await copyFixture(withMagmomsDir);
    await rm(join(dir, 'vasprun.xml'));
    const run = await readVaspRun(dir);
    expect(run.species.slice(0, 2)).toEqual(['Li', 'Li']);
    expect(run.species[39]).toBe('Cl');
    const result = await parseVaspOutputs(dir);
    expect(result.energyEv).toBe(-153.0123588);
    expect(result.forcesEvPerA[0]).toEqual([0.222582, 0.169662, -0.801057]);
    expect(result.stressEvPerA3[0]![1]).toBeCloseTo(0.00019205, 7);
    expect(result.totalMagnetization).toBe(0.0001938);
    expect(run.ionicSteps[0]!.structure!.species).toHaveLength(40);
  });

  it('neither: OutputParseError naming the directory', async () => {
    const dir = await tempDir('empty');
    await expect(parseVaspOutputs(dir)).rejects.toBeInstanceOf(OutputParseError);
    await expect(parseVaspOutputs(dir)).rejects.toThrow(/neither vasprun\.xml\(\.gz\) nor OUTCAR/);
  });
});

describe('an electronic loop that hit NELM without reaching EDIFF (edited copies of the Li20Cl20 run)', () => {
  it('OUTCAR without "aborting loop because EDIFF is reached" is not converged', async () => {
    const dir = await copyFixture(withMagmomsDir);
    const outcar = await readFile(join(dir, 'OUTCAR'), 'latin1');
    await writeFile(
      join(dir, 'OUTCAR'),
      outcar.replace(/^.*aborting loop because EDIFF is reached.*$/m, ''),
      'latin1',
    );
    expect((await parseVaspOutputs(dir)).scfConverged).toBe(false);
  });

  it('vasprun.xml alone with 17 electronic steps and NELM = 17 is not converged', async () => {
    const dir = await copyFixture(withMagmomsDir);
    await rm(join(dir, 'OUTCAR'));
    const xml = await readFile(join(dir, 'vasprun.xml'), 'latin1');
    await writeFile(
      join(dir, 'vasprun.xml'),
      xml.replaceAll(/(<i type="int" name="NELM">)\s*400/g, '$1    17'),
      'latin1',
    );
    const result = await parseVaspOutputs(dir);
    expect(result.scfIterations).toBe(17);
    expect(result.scfConverged).toBe(false);
  });
});

describe('site order', () => {
  it('puts forces and the final structure back in the order of the caller', async () => {
    const dir = await copyFixture(noMagmomsDir);
    const plain = await parseVaspOutputs(dir);
    // The caller had the 32 sites in reverse order; VASP saw them grouped (Nb, C, O).
    const siteOrder = Array.from({ length: 32 }, (_, j) => 31 - j);
    const callerSpecies = siteOrder.map((_, c) => plain.finalStructure!.species[31 - c]!);
    await writeFile(join(dir, SITE_ORDER_FILE), JSON.stringify({ engine: 'vasp', siteOrder, callerSpecies }));
    const mapped = await parseVaspOutputs(dir);
    expect(mapped.forcesEvPerA).toEqual([...plain.forcesEvPerA].reverse());
    expect(mapped.finalStructure!.species).toEqual([...plain.finalStructure!.species].reverse());
    expect(
      maxAbsDiff(mapped.finalStructure!.fracCoords, [...plain.finalStructure!.fracCoords].reverse()),
    ).toBe(0);
    expect(mapped.energyEv).toBe(plain.energyEv);
  });

  it('refuses a site-order file for another number of atoms', async () => {
    const dir = await copyFixture(withMagmomsDir);
    await writeFile(
      join(dir, SITE_ORDER_FILE),
      JSON.stringify({ engine: 'vasp', siteOrder: [1, 0], callerSpecies: ['Li', 'Cl'] }),
    );
    await expect(parseVaspOutputs(dir)).rejects.toThrow(/lists 2 sites but VASP ran 40 atoms/);
  });
});
