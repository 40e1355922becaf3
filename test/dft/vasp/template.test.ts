/**
 * VaspTemplate without running anything: argv, the verdict on finished attempts (copies of the real
 * runs with the exits a launcher would report), the handlers' ladders, and progress from stdout.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Structure } from '../../../crystal/structure.js';
import type { Attempt, AttemptOutcome, DftResult, HandlerContext } from '../../../dft/engine.js';
import { EngineSetupError } from '../../../dft/errors.js';
import type { JobExit, ParallelLaunch } from '../../../dft/launcher.js';
import { nextElectronicRung, VaspParams, VaspTemplate } from '../../../dft/vasp/index.js';
import { copyFixture, noMagmomsDir, readFixtureStructure, withMagmomsDir } from './helpers.js';

const mpi: ParallelLaunch = { mpiexec: ['mpirun', '--bind-to', 'none'], ranksOption: '-np', slots: 8 };
const exit = (over: Partial<JobExit> = {}): JobExit => ({
  exitCode: 0,
  signal: null,
  wallS: 12,
  timedOut: false,
  cancelled: false,
  ...over,
});

describe('argv', () => {
  it('puts the launcher’s MPI starter before the executable; one rank runs it alone', () => {
    const t = new VaspTemplate({ ppPath: null, command: null });
    expect(t.argv(VaspParams.named('production'), mpi)).toEqual([
      'mpirun',
      '--bind-to',
      'none',
      '-np',
      '8',
      'vasp_std',
    ]);
    expect(t.argv(VaspParams.named('test'), mpi)).toEqual(['vasp_std']);
    expect(
      t.argv(VaspParams.named('test', { mpiRanks: 4 }), { ...mpi, ranksOption: '-n', mpiexec: ['srun'] }),
    ).toEqual(['srun', '-n', '4', 'vasp_std']);
  });

  it('takes the executable from the launcher, else VASP_COMMAND, else the set', () => {
    const p = VaspParams.named('test');
    expect(new VaspTemplate({ command: '/opt/vasp/bin/vasp_std' }).argv(p, mpi)).toEqual([
      '/opt/vasp/bin/vasp_std',
    ]);
    expect(
      new VaspTemplate({ command: '/opt/vasp/bin/vasp_std' }).argv(p, {
        ...mpi,
        binaries: { vasp: '/x/vasp_gam' },
      }),
    ).toEqual(['/x/vasp_gam']);
    expect(new VaspTemplate({ command: null }).argv({ ...p, executable: 'vasp_ncl' }, mpi)).toEqual([
      'vasp_ncl',
    ]);
  });

  it('refuses an ASE-style VASP_COMMAND with mpirun in it, and ranks without an MPI starter', () => {
    expect(() =>
      new VaspTemplate({ command: 'mpirun -np 4 vasp_std' }).argv(VaspParams.named('test'), mpi),
    ).toThrow(EngineSetupError);
    expect(() =>
      new VaspTemplate({ command: null }).argv(VaspParams.named('production'), { ...mpi, mpiexec: null }),
    ).toThrow(/no MPI starter/);
  });

  it('declares its properties and files', () => {
    const t = new VaspTemplate({ ppPath: null, command: null });
    expect(t.implementedProperties).toEqual(['energy', 'forces', 'stress', 'magmom']);
    expect([t.name, t.stdoutFile, t.stderrFile]).toEqual(['vasp', 'vasp.out', 'vasp.err']);
  });
});

describe('assess', () => {
  const t = new VaspTemplate({ ppPath: null, command: null });

  it('converged: the real relaxation and the real single point', async () => {
    const relax = await t.assess(
      await copyFixture(noMagmomsDir),
      exit(),
      VaspParams.named('test', { calculation: 'vc-relax' }),
    );
    expect(relax.outcome).toBe('converged');
    expect(relax.reason).toMatch(/relaxed in 49 ionic steps; free energy -253.88059011 eV/);
    const scf = await t.assess(await copyFixture(withMagmomsDir), exit(), VaspParams.named('test'));
    expect(scf).toMatchObject({ outcome: 'converged', result: { energyEv: -153.0123588 } });
  });

  it('ionic_not_converged without "reached required accuracy"; scf_not_converged without "EDIFF is reached"', async () => {
    const dir = await copyFixture(noMagmomsDir);
    const outcar = await readFile(join(dir, 'OUTCAR'), 'latin1');
    await writeFile(join(dir, 'OUTCAR'), outcar.replace(/^.*reached required accuracy.*$/m, ''), 'latin1');
    expect((await t.assess(dir, exit(), VaspParams.named('test', { calculation: 'vc-relax' }))).outcome).toBe(
      'ionic_not_converged',
    );
    const single = await copyFixture(withMagmomsDir);
    const text = await readFile(join(single, 'OUTCAR'), 'latin1');
    await writeFile(
      join(single, 'OUTCAR'),
      text.replace(/^.*aborting loop because EDIFF is reached.*$/m, ''),
      'latin1',
    );
    const verdict = await t.assess(single, exit(), VaspParams.named('test'));
    expect(verdict.outcome).toBe('scf_not_converged');
    expect(verdict.reason).toMatch(/NELM = 60 without reaching EDIFF \(ALGO Fast\)/);
  });

  it('timeout, killed, crashed, input_error', async () => {
    const dir = await copyFixture(withMagmomsDir);
    const p = VaspParams.named('test');
    expect(
      (await t.assess(dir, exit({ timedOut: true, signal: 'SIGKILL', exitCode: null }), p)).outcome,
    ).toBe('timeout');
    expect((await t.assess(dir, exit({ signal: 'SIGKILL', exitCode: null }), p)).outcome).toBe('killed');
    expect((await t.assess(dir, exit({ exitCode: 1 }), p)).outcome).toBe('crashed');

    const outcar = await readFile(join(dir, 'OUTCAR'), 'latin1');
    await writeFile(join(dir, 'OUTCAR'), outcar.slice(0, outcar.indexOf('General timing')), 'latin1');
    await writeFile(join(dir, 'vasp.out'), ' LAPACK: Routine ZPOTRF failed!\n');
    const crash = await t.assess(dir, exit(), p);
    expect(crash.outcome).toBe('crashed');
    expect(crash.reason).toMatch(/no timing footer.*ZPOTRF/);

    const empty = await copyFixture(withMagmomsDir, []);
    await writeFile(join(empty, 'vasprun.xml'), '');
    await writeFile(join(empty, 'vasp.out'), " Error reading item 'ENCUT' from file INCAR.\n");
    const input = await t.assess(empty, exit({ exitCode: 1 }), p);
    expect(input.outcome).toBe('input_error');
    expect(input.reason).toMatch(/Error reading item/);
    await writeFile(join(empty, 'vasp.err'), 'mpirun was unable to find the specified executable file');
    await expect(t.assess(empty, exit({ exitCode: 1 }), p)).rejects.toThrow(EngineSetupError);
  });
});

/** A failed attempt of `params` with `outcome`, and its context. */
function context(
  outcome: AttemptOutcome,
  params: VaspParams,
  result: DftResult | null,
  structure: Structure,
  history: Attempt<VaspParams>[] = [],
): HandlerContext<VaspParams> {
  const attempt: Attempt<VaspParams> = {
    index: history.length,
    directory: `/tmp/attempt-${history.length}`,
    params,
    resolved: {},
    change: null,
    outcome,
    reason: `it was ${outcome}`,
    wallS: 1,
    exitCode: 0,
    signal: null,
  };
  return { attempt, history: [...history, attempt], result, structure };
}

describe('handlers', () => {
  it('climbs the electronic ladder one rung per attempt, then gives up', () => {
    const rungs: string[] = [];
    let p: VaspParams | null = VaspParams.named('test');
    while (p) {
      rungs.push(
        `${p.algo}${Object.keys(p.incar)
          .filter((k) => /^(AMIX|BMIX|AMIN)$/.test(k))
          .sort()
          .map((k) => ` ${k}=${p!.incar[k]}`)
          .join('')}`,
      );
      p = nextElectronicRung(p)?.params ?? null;
    }
    expect(rungs).toEqual([
      'Fast',
      'Normal',
      'All',
      'Normal AMIX=0.1 BMIX=0.01',
      'Normal AMIN=0.01 AMIX=0.1 BMIX=3',
    ]);
  });

  it('scf_not_converged: a single point keeps its structure; a relaxation restarts from its last geometry', async () => {
    const t = new VaspTemplate({ ppPath: null, command: null });
    const s = await readFixtureStructure(withMagmomsDir, 'POSCAR');
    const d = t.handle(context('scf_not_converged', VaspParams.named('test'), null, s));
    expect(d).toMatchObject({
      action: 'retry',
      params: { algo: 'Normal' },
      change: {
        handler: 'handleScfNotConverged',
        parameters: [{ name: 'algo', from: 'Fast', to: 'Normal' }],
      },
    });
    if (d.action === 'retry') expect(d.structure).toBe(s);

    const relaxed = await t.parse(noMagmomsDir);
    const start = await readFixtureStructure(noMagmomsDir, 'POSCAR');
    const r = t.handle(
      context('scf_not_converged', VaspParams.named('test', { calculation: 'vc-relax' }), relaxed, start),
    );
    expect(r).toMatchObject({ action: 'retry', change: { restartedFromAttempt: 0 } });
    if (r.action === 'retry') expect(r.structure).toBe(relaxed.finalStructure);
  });

  it('ionic_not_converged: restart, then restart with the other optimiser, then give up', async () => {
    const t = new VaspTemplate({ ppPath: null, command: null });
    const result = await t.parse(noMagmomsDir);
    const s = await readFixtureStructure(noMagmomsDir, 'POSCAR');
    const p = VaspParams.named('test', { calculation: 'vc-relax' });
    const first = t.handle(context('ionic_not_converged', p, result, s));
    expect(first).toMatchObject({
      action: 'retry',
      params: { ibrion: 2 },
      change: { handler: 'handleIonicNotConverged', parameters: [] },
    });
    const a0 = { ...context('ionic_not_converged', p, result, s).attempt };
    const a1: Attempt<VaspParams> = {
      ...a0,
      index: 1,
      change: first.action === 'retry' ? first.change : null,
    };
    const second = t.handle(context('ionic_not_converged', p, result, s, [a0, a1]));
    expect(second).toMatchObject({
      action: 'retry',
      params: { ibrion: 1 },
      change: { parameters: [{ name: 'ibrion', from: 2, to: 1 }] },
    });
    const a2: Attempt<VaspParams> = {
      ...a0,
      index: 2,
      change: second.action === 'retry' ? second.change : null,
    };
    expect(t.handle(context('ionic_not_converged', p, result, s, [a0, a1, a2]))).toMatchObject({
      action: 'give_up',
    });
  });

  it('gives up on crashes, kills, input errors, and timeouts of single points', async () => {
    const t = new VaspTemplate({ ppPath: null, command: null });
    const s = await readFixtureStructure(withMagmomsDir, 'POSCAR');
    for (const outcome of ['crashed', 'killed', 'input_error', 'timeout'] as const) {
      expect(t.handle(context(outcome, VaspParams.named('test'), null, s)).action).toBe('give_up');
    }
  });
});

describe('progress from stdout', () => {
  it('follows electronic and ionic steps across arbitrary chunk boundaries', async () => {
    const oszicar = await readFile(join(noMagmomsDir, 'OSZICAR'), 'latin1');
    const tracker = new VaspTemplate({ ppPath: null, command: null }).createProgressTracker();
    let last = null;
    for (let i = 0; i < oszicar.length; i += 777) last = tracker.feed(oszicar.slice(i, i + 777)) ?? last;
    last = tracker.feed('\n') ?? last;
    expect(last).toMatchObject({ ionicStep: 49, scfIteration: 0, energyEv: -253.88059 });
    const fresh = new VaspTemplate({ ppPath: null, command: null }).createProgressTracker();
    expect(
      fresh.feed('DAV:   5    -0.139930107972E+03   -0.36752E+01   -0.36722E+01 10792   0.104E+01\n'),
    ).toEqual({
      scfIteration: 5,
      ionicStep: 0,
      energyEv: -139.930107972,
      scfAccuracyEv: 3.6752,
    });
    expect(fresh.feed('nothing here\n')).toBeNull();
  });
});

it('structures used by the handlers are plain Structures', async () => {
  const result = await new VaspTemplate({ ppPath: null, command: null }).parse(noMagmomsDir);
  expect(Structure.volume(result.finalStructure!)).toBeCloseTo(666.74093843, 4);
});
