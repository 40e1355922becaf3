/**
 * VASP runner with a stand-in executable replaying real outputs.
 *
 * VASP is licensed and cannot run here, so `test/dft/vasp/standin-vasp.mjs` takes its place: it checks
 * the inputs the template wrote (INCAR, POSCAR, KPOINTS, POTCAR from a fake PAW library of dummy
 * files) and replays the output files of one of the two real VASP runs. The template then goes
 * through the real local launcher (dft/launchers/local.ts) and the shared runner
 * (dft/run-calculation.ts) exactly as it would with VASP, and the real energies come back.
 */
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPoscar } from '../../../crystal/io/poscar.js';
import { Structure } from '../../../crystal/structure.js';
import type { EngineProgress } from '../../../dft/engine.js';
import { EngineInputError } from '../../../dft/errors.js';
import { runJob } from '../../../dft/launcher.js';
import { LocalLauncher } from '../../../dft/launchers/local.js';
import { runCalculation } from '../../../dft/run-calculation.js';
import { VaspParams, VaspTemplate } from '../../../dft/vasp/index.js';
import {
  createFakePawLibrary,
  maxAbsDiff,
  noMagmomsDir,
  readFixtureStructure,
  standinPath,
  tempDir,
  withMagmomsDir,
} from './helpers.js';

/** A launcher whose 'vasp' binary is the stand-in, replaying `fixture`. */
function standinLauncher(fixture: string, edit = ''): LocalLauncher {
  return new LocalLauncher({
    parallel: { mpiexec: null, ranksOption: '-np', slots: 1, binaries: { vasp: standinPath } },
    env: { OMP_NUM_THREADS: '1', VASP_STANDIN_FIXTURE: fixture, VASP_STANDIN_EDIT: edit },
  });
}

/** Li20Cl20 with its sites interleaved (Li, Cl, Li, Cl, …): the engine must group them and map back. */
function interleaved(s: Structure): Structure {
  const order = Array.from({ length: 20 }, (_, k) => [k, 20 + k]).flat();
  return Structure.create(
    s.lattice,
    order.map((i) => s.species[i]!),
    order.map((i) => s.fracCoords[i]!),
  );
}

describe('VASP runner with a stand-in executable replaying real outputs', () => {
  let licl: Structure;
  let nbco: Structure;
  let library: string;
  beforeAll(async () => {
    await chmod(standinPath, 0o755);
    licl = await readFixtureStructure(withMagmomsDir, 'POSCAR');
    nbco = await readFixtureStructure(noMagmomsDir, 'POSCAR');
    library = await createFakePawLibrary(['Li_sv', 'Cl', 'Nb_pv', 'C', 'O']);
  });

  it('single steps: writeInputs → runJob on the local launcher → assess gives the Li20Cl20 energy, forces in the caller’s order', async () => {
    const template = new VaspTemplate({ ppPath: library, command: null });
    const launcher = standinLauncher(withMagmomsDir);
    const params = VaspParams.named('test');
    const dir = await tempDir('standin');
    const structure = interleaved(licl);
    const written = await template.writeInputs(structure, params, dir);
    expect(written.resolved).toMatchObject({
      sitesReordered: true,
      potcars: [{ variant: 'Li_sv' }, { variant: 'Cl' }],
    });
    const argv = template.argv(params, launcher.parallel);
    expect(argv).toEqual([standinPath]);
    const tracker = template.createProgressTracker();
    let progress: EngineProgress | null = null;
    const { exit } = await runJob(
      launcher,
      { argv, directory: dir, stdoutFile: template.stdoutFile, stderrFile: template.stderrFile },
      { onOutput: (chunk) => (progress = tracker.feed(chunk) ?? progress) },
    );
    expect(exit.exitCode).toBe(0);
    expect(progress).toMatchObject({ ionicStep: 1, energyEv: -153.01236 });
    const { outcome, result } = await template.assess(dir, exit, params);
    expect(outcome).toBe('converged');
    expect(result!.energyEv).toBeCloseTo(-153.0123588, 6);
    expect(result!.totalMagnetization).toBe(0.0001938);
    // Caller site 0 is VASP atom 0 (Li), caller site 1 is VASP atom 20 (the first Cl).
    expect(result!.forcesEvPerA[0]).toEqual([0.22258223, 0.16966156, -0.80105683]);
    expect(result!.forcesEvPerA[1]).toEqual([0.0190798, 0.01330149, -0.06851768]);
    expect(result!.forcesEvPerA[39]).toEqual([-0.01874897, -0.0151126, 0.06782996]);
    expect(result!.stressEvPerA3[0]![0]).toBeCloseTo(0.011544423, 8);
  });

  it('runCalculation: the Nb16C8O8 vc-relax converges with the real 49-step trajectory and relaxed cell', async () => {
    const progress: EngineProgress[] = [];
    const outcome = await runCalculation({
      structure: nbco,
      engine: new VaspTemplate({ ppPath: library, command: null }),
      profile: VaspParams.named('test', { calculation: 'vc-relax' }),
      launcher: standinLauncher(noMagmomsDir),
      workRoot: await tempDir('run'),
      onProgress: (p) => progress.push(p),
    });
    expect(outcome.status).toBe('converged');
    expect(outcome.attempts).toHaveLength(1);
    expect(outcome.result).toMatchObject({
      engine: 'vasp',
      scfConverged: true,
      ionicConverged: true,
      scfCycles: 49,
      engineVersion: '5.4.4.18Apr17-6-g9f103f2a35',
    });
    expect(outcome.result!.energyEv).toBeCloseTo(-253.88059011, 6);
    expect(outcome.result!.energyPerAtomEv).toBeCloseTo(-7.933768441, 8);
    const contcar = await readFixtureStructure(noMagmomsDir, 'CONTCAR');
    expect(maxAbsDiff(outcome.result!.finalStructure!.lattice, contcar.lattice)).toBeLessThan(1e-7);
    expect(progress.at(-1)).toMatchObject({ attempt: 0, ionicStep: 49 });
    const incar = await readFile(join(outcome.workDirs[0]!, 'INCAR'), 'utf8');
    expect(incar).toMatch(/^ISIF = 3$/m);
    expect(incar).toMatch(/^EDIFF = 0.0032$/m); // 1e-4 eV/atom × 32
  });

  it('runCalculation: a relaxation out of NSW steps restarts from its last geometry and then converges', async () => {
    const outcome = await runCalculation({
      structure: nbco,
      engine: new VaspTemplate({ ppPath: library, command: null }),
      profile: VaspParams.named('test', { calculation: 'vc-relax' }),
      launcher: standinLauncher(noMagmomsDir, 'drop-reached-accuracy-once'),
      workRoot: await tempDir('run'),
    });
    expect(outcome.status).toBe('converged');
    expect(outcome.attempts.map((a) => a.outcome)).toEqual(['ionic_not_converged', 'converged']);
    expect(outcome.attempts[1]!.change).toMatchObject({
      handler: 'handleIonicNotConverged',
      restartedFromAttempt: 0,
    });
    const restartedFrom = readPoscar(await readFile(join(outcome.workDirs[1]!, 'POSCAR'), 'utf8'));
    const contcar = await readFixtureStructure(noMagmomsDir, 'CONTCAR');
    expect(maxAbsDiff(Structure.cartCoords(restartedFrom), Structure.cartCoords(contcar))).toBeLessThan(1e-6);
  });

  it('runCalculation: an SCF out of NELM steps is retried with ALGO Normal', async () => {
    const outcome = await runCalculation({
      structure: licl,
      engine: new VaspTemplate({ ppPath: library, command: null }),
      profile: VaspParams.named('test'),
      launcher: standinLauncher(withMagmomsDir, 'drop-ediff-reached-once'),
      workRoot: await tempDir('run'),
    });
    expect(outcome.attempts.map((a) => a.outcome)).toEqual(['scf_not_converged', 'converged']);
    expect(outcome.attempts[1]!.change?.parameters).toEqual([{ name: 'algo', from: 'Fast', to: 'Normal' }]);
    expect(await readFile(join(outcome.workDirs[1]!, 'INCAR'), 'utf8')).toMatch(/^ALGO = Normal$/m);
    expect(outcome.result!.energyEv).toBeCloseTo(-153.0123588, 6);
  });

  it('runCalculation: a crash is a failed outcome whose reason names VASP’s error', async () => {
    const outcome = await runCalculation({
      structure: licl,
      engine: new VaspTemplate({ ppPath: library, command: null }),
      profile: VaspParams.named('test'),
      launcher: standinLauncher(withMagmomsDir, 'crash-zpotrf'),
      workRoot: await tempDir('run'),
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.attempts).toHaveLength(1);
    expect(outcome.reason).toMatch(/LAPACK: Routine ZPOTRF failed/);
  });

  it('runCalculation: an element missing from the PAW library throws EngineInputError before anything runs', async () => {
    const partial = await createFakePawLibrary(['Li_sv']);
    await expect(
      runCalculation({
        structure: licl,
        engine: new VaspTemplate({ ppPath: partial, command: null }),
        profile: VaspParams.named('test'),
        launcher: standinLauncher(withMagmomsDir),
        workRoot: await tempDir('run'),
      }),
    ).rejects.toThrow(EngineInputError);
  });
});
