/**
 * VASP input writers: golden INCAR/KPOINTS/POSCAR texts (STYLE.md T3), species grouping, the
 * parameter sets, and the POTCAR from a fake PAW library (dummy files; real POTCARs are licensed).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPoscar } from '../../../crystal/io/poscar.js';
import { Lattice } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { EngineInputError, EngineSetupError } from '../../../dft/errors.js';
import { monkhorstPackGrid } from '../../../dft/qe/kpoints.js';
import { MAGNETIC_ELEMENTS } from '../../../dft/qe/pw-parameters.js';
import {
  compressList,
  formatIncarNumber,
  groupBySpecies,
  kpointGrid,
  prepareVaspInputs,
  SITE_ORDER_FILE,
  toCallerOrder,
  VaspParams,
  writeVaspInputs,
} from '../../../dft/vasp/index.js';
import { createFakePawLibrary, goldenDir, tempDir } from './helpers.js';

const h = 4.61 / 2;
/** Li2O antifluorite, fcc primitive cell, sites deliberately interleaved (Li, O, Li). */
const li2o = Structure.create(
  [
    [0, h, h],
    [h, 0, h],
    [h, h, 0],
  ],
  ['Li', 'O', 'Li'],
  [
    [0.25, 0.25, 0.25],
    [0, 0, 0],
    [0.75, 0.75, 0.75],
  ],
);
const b = 4.33;
const feo = Structure.create(
  [
    [b, 0, 0],
    [0, b, 0],
    [0, 0, 2 * b],
  ],
  ['O', 'Fe', 'O', 'Fe'],
  [
    [0.5, 0.5, 0],
    [0, 0, 0],
    [0.5, 0.5, 0.5],
    [0, 0, 0.5],
  ],
);
const golden = (name: string) => readFile(join(goldenDir, name), 'utf8');

describe('INCAR, KPOINTS and POSCAR writers (golden text)', () => {
  it('Li2O, production set, vc-relax', async () => {
    const { files } = prepareVaspInputs(li2o, VaspParams.named('production'));
    expect(files.INCAR).toBe(await golden('li2o-production-vc-relax.INCAR'));
    expect(files.KPOINTS).toBe(await golden('li2o-production-vc-relax.KPOINTS'));
    expect(files.POSCAR).toBe(await golden('li2o-production-vc-relax.POSCAR'));
  });

  it('FeO, test set, scf, Monkhorst-Pack: spin-polarised because Fe is magnetic, MAGMOM in POSCAR order', async () => {
    const { files } = prepareVaspInputs(feo, VaspParams.named('test', { kpointStyle: 'monkhorst-pack' }));
    expect(files.INCAR).toBe(await golden('feo-test-scf.INCAR'));
    expect(files.KPOINTS).toBe(await golden('feo-test-scf.KPOINTS'));
    expect(files.POSCAR).toBe(await golden('feo-test-scf.POSCAR'));
  });

  it('is deterministic and sets IBRION/ISIF/NSW/EDIFFG by calculation', () => {
    const tags = (calculation: VaspParams['calculation']) =>
      Object.fromEntries(prepareVaspInputs(li2o, VaspParams.named('production', { calculation })).incar);
    expect(prepareVaspInputs(li2o, VaspParams.named('production')).files).toEqual(
      prepareVaspInputs(li2o, VaspParams.named('production')).files,
    );
    expect(tags('scf')).toMatchObject({ IBRION: -1, ISIF: 2, NSW: 0 });
    expect(tags('scf').EDIFFG).toBeUndefined();
    expect(tags('relax')).toMatchObject({ IBRION: 2, ISIF: 2, NSW: 99, EDIFFG: -0.02 });
    expect(tags('vc-relax')).toMatchObject({ IBRION: 2, ISIF: 3, NSW: 99, EDIFFG: -0.02 });
  });

  it('spin: test set (auto) leaves Li2O unpolarised; production (on) polarises it with 0.6 μB', () => {
    expect(Object.fromEntries(prepareVaspInputs(li2o, VaspParams.named('test')).incar)).toMatchObject({
      ISPIN: 1,
    });
    expect(
      Object.fromEntries(prepareVaspInputs(li2o, VaspParams.named('test')).incar).MAGMOM,
    ).toBeUndefined();
    expect(
      Object.fromEntries(prepareVaspInputs(li2o, VaspParams.named('test', { spinPolarization: 'on' })).incar)
        .MAGMOM,
    ).toEqual([0.6, 0.6, 0.6]);
  });

  it('formats numbers and run-length lists as VASP reads them', () => {
    expect(formatIncarNumber(5e-5 * 3)).toBe('0.00015');
    expect(formatIncarNumber(1e-7)).toBe('1e-7');
    expect(formatIncarNumber(520)).toBe('520');
    expect(compressList([5, 5, 0.6, 0.6, 0.6, 5])).toBe('2*5 3*0.6 5');
  });
});

describe('k-points', () => {
  it('uses the QE engine’s density definition, so both engines get the same grid', () => {
    for (const lattice of [li2o.lattice, feo.lattice, Lattice.fromParameters(3.1, 3.1, 5.0, 90, 90, 120)]) {
      for (const density of [1.5, 4, 6.67])
        expect(kpointGrid(lattice, density)).toEqual(monkhorstPackGrid(lattice, density));
    }
    expect(kpointGrid(li2o.lattice, 4)).toEqual([10, 10, 10]); // |b| = 2π√3/4.61 = 2.361 Å⁻¹
    expect(kpointGrid(li2o.lattice, 4, [2, 3, 4])).toEqual([2, 3, 4]);
  });
});

describe('species grouping', () => {
  it('groups sites by first appearance, keeps their relative order, and inverts', () => {
    const { structure, siteOrder } = groupBySpecies(feo);
    expect(structure.species).toEqual(['O', 'O', 'Fe', 'Fe']);
    expect(siteOrder).toEqual([0, 2, 1, 3]);
    expect(toCallerOrder(structure.species, siteOrder)).toEqual(feo.species);
    expect(toCallerOrder(structure.fracCoords, siteOrder)).toEqual(feo.fracCoords);
    expect(groupBySpecies(structure).siteOrder).toEqual([0, 1, 2, 3]);
  });

  it('the written POSCAR reads back as the grouped structure', () => {
    const { files } = prepareVaspInputs(li2o, VaspParams.named('test'));
    const back = readPoscar(files.POSCAR!);
    expect(back.species).toEqual(['Li', 'Li', 'O']);
    expect(back.fracCoords).toEqual([li2o.fracCoords[0], li2o.fracCoords[2], li2o.fracCoords[1]]);
    expect(JSON.parse(files[SITE_ORDER_FILE]!)).toEqual({
      engine: 'vasp',
      siteOrder: [0, 2, 1],
      callerSpecies: ['Li', 'O', 'Li'],
    });
  });
});

describe('parameter sets', () => {
  it('loads both sets, MP’s POTCAR choices and magnetic moments', () => {
    expect(VaspParams.names).toEqual(['test', 'standard', 'production']);
    const p = VaspParams.named('production');
    expect(p).toMatchObject({
      encutEv: 520,
      ediffPerAtomEv: 5e-5,
      algo: 'Fast',
      spinPolarization: 'on',
      calculation: 'vc-relax',
    });
    expect(p.incar).toMatchObject({ PREC: 'Accurate', LREAL: 'Auto', LWAVE: false, LCHARG: false });
    expect(['Li', 'Na', 'K', 'Ca', 'Ti', 'Nb', 'O'].map((el) => VaspParams.potcarVariant(p, el))).toEqual([
      'Li_sv',
      'Na_pv',
      'K_sv',
      'Ca_sv',
      'Ti_pv',
      'Nb_pv',
      'O',
    ]);
    expect(
      VaspParams.potcarVariant(VaspParams.named('test', { potcarVariants: { Nb: 'Nb_sv' } }), 'Nb'),
    ).toBe('Nb_sv');
    expect(VaspParams.magneticMoment(p, 'Fe')).toBe(5);
    expect(VaspParams.magneticMoment(p, 'O')).toBeNull();
  });

  it('treats the same elements as magnetic as the QE engine does', () => {
    expect(new Set(Object.keys(VaspParams.defaultMagneticMoments))).toEqual(new Set(MAGNETIC_ELEMENTS));
  });

  it('rejects bad fields with EngineInputError naming the field', () => {
    const bad = (over: Record<string, unknown>) => () =>
      VaspParams.parse({ ...VaspParams.named('test'), ...over });
    expect(bad({ encutEv: -1 })).toThrow(EngineInputError);
    expect(bad({ incar: { ENCUT: 600 } })).toThrow(/'incar\.ENCUT': set by the field encutEv/);
    expect(bad({ incar: { lreal: 'Auto' } })).toThrow(/upper case/);
    expect(bad({ potcarVariants: { Xx: 'Xx' } })).toThrow(/element symbols/);
    expect(bad({ ismear: -5, calculation: 'relax' })).toThrow(/tetrahedra/);
    try {
      bad({ nelm: 0 })();
    } catch (err) {
      expect((err as EngineInputError).field).toBe('nelm');
    }
    expect(() => VaspParams.named('nope' as 'test')).toThrow(/unknown VASP parameter set 'nope'/);
  });

  it('rejects a structure VASP could not run', () => {
    const close = Structure.create(
      Lattice.cubic(4),
      ['Na', 'Cl'],
      [
        [0, 0, 0],
        [0.01, 0, 0],
      ],
    );
    expect(() => prepareVaspInputs(close, VaspParams.named('test'))).toThrow(EngineInputError);
  });
});

describe('POTCAR from a PAW library (fake library of dummy files)', () => {
  it('concatenates one POTCAR per species block in POSCAR order and records what it used', async () => {
    const library = await createFakePawLibrary(['Li_sv', 'O']);
    const dir = await tempDir('inputs');
    const written = await writeVaspInputs(li2o, VaspParams.named('production'), dir, { ppPath: library });
    expect(written.files).toEqual(['INCAR', 'KPOINTS', 'POSCAR', 'POTCAR', SITE_ORDER_FILE]);
    const potcar = await readFile(join(dir, 'POTCAR'), 'latin1');
    expect(potcar.indexOf('PAW_PBE Li_sv')).toBeLessThan(potcar.indexOf('PAW_PBE O '));
    expect(potcar.match(/End of Dataset/g)).toHaveLength(2);
    expect(written.resolved).toMatchObject({
      pawLibrary: library,
      maxEnmaxEv: 400,
      potcars: [
        { element: 'Li', variant: 'Li_sv', title: 'PAW_PBE Li_sv 01Jan2000 FAKE', enmaxEv: 400 },
        { element: 'O', variant: 'O', title: 'PAW_PBE O 01Jan2000 FAKE', enmaxEv: 400 },
      ],
    });
    expect((written.resolved.potcars as { sha256: string }[])[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await readFile(join(dir, 'INCAR'), 'utf8')).toBe(await golden('li2o-production-vc-relax.INCAR'));
  });

  it('EngineSetupError when VASP_PP_PATH is unset or not a folder, saying how to fix it', async () => {
    const dir = await tempDir('inputs');
    await expect(writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: undefined })).rejects.toThrow(
      EngineSetupError,
    );
    await expect(writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: undefined })).rejects.toThrow(
      /VASP_PP_PATH is not set.*Li_sv\/POTCAR/,
    );
    await expect(
      writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: join(dir, 'nowhere') }),
    ).rejects.toThrow(/is not a directory/);
  });

  it('EngineInputError naming the element, the missing file and the fix', async () => {
    const library = await createFakePawLibrary(['Li_sv']);
    const dir = await tempDir('inputs');
    const err = await writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: library }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EngineInputError);
    expect(err).toMatchObject({ element: 'O', pseudoDir: library, field: 'potcarVariants' });
    expect((err as Error).message).toContain(join(library, 'O', 'POTCAR'));
    expect((err as Error).message).toMatch(/choose one it has with potcarVariants/);
  });

  it('points at the right folder when VASP_PP_PATH is one level too high, and at compressed files', async () => {
    const library = await createFakePawLibrary(['Li_sv', 'O']);
    const parent = join(library, '..', 'parent');
    await mkdir(join(parent, 'potpaw_PBE.54'), { recursive: true });
    const { cp } = await import('node:fs/promises');
    await cp(library, join(parent, 'potpaw_PBE.54'), { recursive: true });
    const dir = await tempDir('inputs');
    await expect(writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: parent })).rejects.toThrow(
      /set VASP_PP_PATH=.*potpaw_PBE\.54/,
    );
    await mkdir(join(parent, 'Li_sv'));
    await writeFile(join(parent, 'Li_sv', 'POTCAR.Z'), 'compressed');
    await expect(writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: parent })).rejects.toThrow(
      /POTCAR\.Z exists: decompress it/,
    );
  });

  it('checks each header against the variant and the functional', async () => {
    const library = await createFakePawLibrary(['Li_sv', 'O']);
    const dir = await tempDir('inputs');
    await writeFile(join(library, 'O', 'POTCAR'), '  PAW_PBE O_h 01Jan2000 FAKE\n End of Dataset\n');
    await expect(writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: library })).rejects.toThrow(
      /is not the O potential/,
    );
    await writeFile(join(library, 'O', 'POTCAR'), '  PAW O 01Jan2000 FAKE (LDA)\n End of Dataset\n');
    await expect(writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: library })).rejects.toThrow(
      /is not a PBE potential/,
    );
    await writeFile(join(library, 'O', 'POTCAR'), 'hello\n');
    await expect(writeVaspInputs(li2o, VaspParams.named('test'), dir, { ppPath: library })).rejects.toThrow(
      /is not a PAW POTCAR/,
    );
  });
});
