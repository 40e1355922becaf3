/**
 * `VaspTemplate`: the engine seam (engine.ts) for VASP. VASP is licensed software: this project
 * ships no binary and no POTCAR; a host that may run it sets `VASP_PP_PATH` (the PAW library) and,
 * unless `vasp_std` is on PATH, `VASP_COMMAND` (the executable) or the launcher's `binaries.vasp`.
 * The tests run it against a stand-in executable that replays real VASP output
 * (test/dft/vasp/standin-vasp.mjs).
 *
 * ```ts
 * const template = new VaspTemplate();            // VASP_PP_PATH and VASP_COMMAND from the environment
 * const params = VaspParams.named('production', { calculation: 'relax' });
 * await template.writeInputs(structure, params, dir);
 * template.argv(params, launcher.parallel);       // ['mpirun', '--bind-to', 'none', '-np', '16', 'vasp_std']
 * const { exit } = await runJob(launcher, { argv, directory: dir, stdoutFile: template.stdoutFile, stderrFile: template.stderrFile });
 * const { outcome, result } = await template.assess(dir, exit, params);
 * ```
 */
import type {
  Assessment,
  DftProperty,
  DftResult,
  EngineTemplate,
  HandlerContext,
  HandlerDecision,
  ProgressTracker,
  WrittenInputs,
} from '../engine.js';
import { EngineSetupError } from '../errors.js';
import { vaspLevelOfTheory } from '../level-of-theory.js';
import type { JobExit, ParallelLaunch } from '../launcher.js';
import type { Structure } from '../../crystal/structure.js';
import { writeVaspInputs } from './vasp-inputs.js';
import { parseVaspOutputs } from './vasp-outputs.js';
import { assessVaspAttempt } from './vasp-assess.js';
import { handleVaspFailure } from './vasp-handlers.js';
import type { VaspParams } from './vasp-params.js';
import { createVaspProgressTracker } from './vasp-progress.js';

export interface VaspTemplateOptions {
  /**
   * PAW library: a folder with one sub-folder per POTCAR variant (`Li_sv/POTCAR`, …). Default: the
   * `VASP_PP_PATH` environment variable. Checked when inputs are written.
   */
  readonly ppPath?: string | null;
  /**
   * The VASP executable (a name on PATH or a path), e.g. '/opt/vasp/6.4.3/bin/vasp_std'. Default:
   * the `VASP_COMMAND` environment variable. Only the executable: MPI comes from the launcher, so
   * an ASE-style 'mpirun -np 4 vasp_std' is refused. The launcher's `binaries.vasp` wins over both.
   */
  readonly command?: string | null;
}

export class VaspTemplate implements EngineTemplate<VaspParams> {
  readonly name = 'vasp';
  readonly implementedProperties: readonly DftProperty[] = ['energy', 'forces', 'stress', 'magmom'];
  readonly stdoutFile = 'vasp.out';
  readonly stderrFile = 'vasp.err';
  /**
   * None: VASP writes its scratch as files (WAVECAR, CHGCAR, CHG), not folders, and the sets turn
   * them off (LWAVE, LCHARG .FALSE.).
   */
  readonly scratchDirs: readonly string[] = [];
  readonly #ppPath: string | null;
  readonly #command: string | null;

  constructor(options: VaspTemplateOptions = {}) {
    this.#ppPath = options.ppPath !== undefined ? options.ppPath : (process.env.VASP_PP_PATH ?? null);
    this.#command = options.command !== undefined ? options.command : (process.env.VASP_COMMAND ?? null);
  }

  writeInputs(structure: Structure, params: VaspParams, dir: string): Promise<WrittenInputs> {
    return writeVaspInputs(structure, params, dir, { ppPath: this.#ppPath });
  }

  /** `[...mpiexec, ranksOption, N, vasp]`, or `[vasp]` for one rank (as QeTemplate.argv). */
  levelOfTheory(params: VaspParams): string {
    return vaspLevelOfTheory(params);
  }

  argv(params: VaspParams, launch: ParallelLaunch): string[] {
    const executable = launch.binaries?.vasp ?? this.#command ?? params.executable;
    if (/\s/.test(executable.trim()) || /^(mpirun|mpiexec|srun)$/.test(executable.trim())) {
      throw new EngineSetupError(
        `VASP_COMMAND=${JSON.stringify(executable)} must name only the VASP executable (e.g. /opt/vasp/bin/vasp_std): ` +
          'the launcher adds mpirun and the rank count itself',
        { engine: 'vasp' },
      );
    }
    const vasp = [executable.trim()];
    const ranks = params.mpiRanks === 'auto' ? Math.max(1, launch.slots) : params.mpiRanks;
    if (ranks === 1) return vasp;
    if (!launch.mpiexec) {
      throw new EngineSetupError(`mpiRanks is ${ranks} but the launcher offers no MPI starter`, {
        engine: 'vasp',
        argv: vasp,
      });
    }
    return [...launch.mpiexec, launch.ranksOption, String(ranks), ...vasp];
  }

  parse(dir: string): Promise<DftResult> {
    return parseVaspOutputs(dir);
  }

  assess(dir: string, exit: JobExit, params: VaspParams): Promise<Assessment> {
    return assessVaspAttempt(dir, exit, params, this, (d) => this.parse(d));
  }

  createProgressTracker(): ProgressTracker {
    return createVaspProgressTracker();
  }

  handle(context: HandlerContext<VaspParams>): HandlerDecision<VaspParams> {
    return handleVaspFailure(context);
  }
}
