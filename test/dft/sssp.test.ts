import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineInputError, EngineSetupError } from '../../dft/errors.js';
import { cutoffsFor, loadSssp, pseudopotentialsFor } from '../../dft/qe/sssp.js';
import { pseudoDir } from './helpers.js';

describe('SSSP library', () => {
  let onlySi: string;
  beforeAll(async () => {
    // A pseudo dir with Si only; its JSON also lists O, whose file is absent.
    onlySi = await mkdtemp(join(tmpdir(), 'sssp-si-'));
    await copyFile(
      join(pseudoDir, 'Si.pbe-n-rrkjus_psl.1.0.0.UPF'),
      join(onlySi, 'Si.pbe-n-rrkjus_psl.1.0.0.UPF'),
    );
    const json = {
      Si: { filename: 'Si.pbe-n-rrkjus_psl.1.0.0.UPF', cutoff_wfc: 30, cutoff_rho: 240 },
      O: { filename: 'O.pbe-n-kjpaw_psl.0.1.UPF', cutoff_wfc: 50, cutoff_rho: 400 },
    };
    await writeFile(join(onlySi, 'SSSP_test.json'), JSON.stringify(json));
  });
  afterAll(async () => {
    await rm(onlySi, { recursive: true, force: true });
  });

  it('reads the main and f-block metadata', async () => {
    const lib = await loadSssp(pseudoDir);
    expect(lib.entries.size).toBe(89);
    expect(lib.entries.get('Si')).toMatchObject({
      filename: 'Si.pbe-n-rrkjus_psl.1.0.0.UPF',
      cutoffWfcRy: 30,
      cutoffRhoRy: 240,
    });
    expect(lib.entries.get('Ce')?.filename).toMatch(/^Ce\..*\.upf$/);
  });

  it('takes the largest cutoff_wfc and cutoff_rho of the elements', async () => {
    const lib = await loadSssp(pseudoDir);
    expect(cutoffsFor(await pseudopotentialsFor(lib, ['Mg', 'O']))).toEqual({
      ecutwfcRy: 50,
      ecutrhoRy: 400,
    });
  });

  it('names a missing element and the pseudo dir', async () => {
    const lib = await loadSssp(onlySi);
    const err = await pseudopotentialsFor(lib, ['Si', 'Mg']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineInputError);
    expect(err).toMatchObject({ element: 'Mg', pseudoDir: onlySi });
    expect((err as Error).message).toMatch(new RegExp(`element Mg in ${onlySi} \\(PSEUDO_DIR\\)`));
  });

  it('names an element whose UPF file is missing', async () => {
    const lib = await loadSssp(onlySi);
    await expect(pseudopotentialsFor(lib, ['O'])).rejects.toMatchObject({
      element: 'O',
      name: 'EngineInputError',
    });
  });

  it('says to gunzip an f-block pseudopotential', async () => {
    const lib = await loadSssp(pseudoDir);
    await expect(pseudopotentialsFor(lib, ['Ce'])).rejects.toThrow(/Ce.*gzip-compressed.*gunzip it into/);
  });

  it('is a setup error without a pseudo dir', async () => {
    await expect(loadSssp('')).rejects.toBeInstanceOf(EngineSetupError);
    await expect(loadSssp(join(onlySi, 'nope'))).rejects.toThrow(/does not exist/);
  });
});
