/**
 * `QeTemplate`: Quantum ESPRESSO pw.x as an `EngineTemplate<QeProfile>` (ASE's EspressoTemplate).
 * Files of an attempt directory: `pw.in` (written here), `pw.out` / `pw.err` (the launcher's
 * stdout / stderr), `out/` (pw.x scratch).
 *
 * ```ts
 * const qe = new QeTemplate({ pseudoDir: '/data/SSSP_1.3.0_PBE_efficiency' });
 * await qe.writeInputs(si, QeProfile.named('test'), dir);
 * qe.argv(QeProfile.named('test', { mpiRanks: 2 }), new LocalLauncher().parallel);
 * // ['mpirun', '--allow-run-as-root', '--bind-to', 'none', '-np', '2', 'pw.x', '-in', 'pw.in']
 * ```
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readQeInput } from '../../crystal/io/qe-input.js';
import type { Structure } from '../../crystal/structure.js';
import {
  DftProperty,
  type Assessment,
  type DftResult,
  type EngineTemplate,
  type HandlerContext,
  type HandlerDecision,
  type WrittenInputs,
} from '../engine.js';
import { EngineSetupError, OutputParseError } from '../errors.js';
import { qeLevelOfTheory } from '../level-of-theory.js';
import type { JobExit, ParallelLaunch } from '../launcher.js';
import { handleQeFailure } from './qe-handlers.js';
import type { QeProfile } from './profiles.js';
import { renderPwInput } from './pw-input.js';
import { parsePwOutput, toDftResult, type PwOutput } from './pw-output.js';
import { resolvePwInput } from './pw-parameters.js';
import { PwProgressTracker } from './pw-progress.js';
import { loadSssp, type SsspLibrary } from './sssp.js';

export interface QeTemplateOptions {
  /** SSSP pseudopotential folder. Default: the `PSEUDO_DIR` environment variable. */
  readonly pseudoDir?: string;
  /** pw.x binary when the launcher names none. Default 'pw.x' (on PATH). */
  readonly binary?: string;
}

const INPUT_FILE = 'pw.in';

/** pw.x routines whose errors mean the input itself is wrong (not retried). */
const INPUT_ROUTINES =
  /^(read_namelists|read_cards|card_\w+|iosys|readpp|read_pseudo\w*|import_upf|read_upf\w*|upflib\w*|check_atoms|cell_base_init|input\w*)$/;

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

export class QeTemplate implements EngineTemplate<QeProfile> {
  readonly name = 'qe';
  readonly implementedProperties = [
    DftProperty.Energy,
    DftProperty.Forces,
    DftProperty.Stress,
    DftProperty.Magmom,
  ];
  readonly stdoutFile = 'pw.out';
  readonly stderrFile = 'pw.err';
  readonly scratchDirs = ['out'];
  readonly #pseudoDir: string | undefined;
  readonly #binary: string;
  #library: Promise<SsspLibrary> | undefined;

  constructor(options: QeTemplateOptions = {}) {
    this.#pseudoDir = options.pseudoDir ?? process.env.PSEUDO_DIR;
    this.#binary = options.binary ?? 'pw.x';
  }

  /** The SSSP library, read once. */
  library(): Promise<SsspLibrary> {
    this.#library ??= loadSssp(this.#pseudoDir).catch((err: unknown) => {
      this.#library = undefined; // let a fixed folder be picked up next time
      throw err;
    });
    return this.#library;
  }

  async writeInputs(structure: Structure, params: QeProfile, dir: string): Promise<WrittenInputs> {
    const { input, resolved } = await resolvePwInput(structure, params, await this.library());
    await writeFile(join(dir, INPUT_FILE), renderPwInput(input));
    return { files: [INPUT_FILE], resolved };
  }

  levelOfTheory(params: QeProfile): string {
    return qeLevelOfTheory(params);
  }

  argv(params: QeProfile, launch: ParallelLaunch): string[] {
    const ranks = params.mpiRanks === 'auto' ? Math.max(1, launch.slots) : params.mpiRanks;
    const pw = [launch.binaries?.qe ?? this.#binary, '-in', INPUT_FILE];
    if (ranks === 1) return pw;
    if (!launch.mpiexec) {
      throw new EngineSetupError(`mpiRanks is ${ranks} but the launcher offers no MPI starter`, {
        engine: 'qe',
        argv: pw,
      });
    }
    return [...launch.mpiexec, launch.ranksOption, String(ranks), ...pw];
  }

  async parse(dir: string): Promise<DftResult> {
    const file = join(dir, this.stdoutFile);
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new OutputParseError(
        `cannot read ${file}: ${(err as Error).message}`,
        { engine: 'qe', file },
        { cause: err },
      );
    });
    const { calculation, input } = await this.#readInput(dir);
    return toDftResult(parsePwOutput(text), { calculation, input, file });
  }

  async #readInput(dir: string): Promise<{ calculation: QeProfile['calculation']; input: Structure }> {
    const text = await readText(join(dir, INPUT_FILE));
    const calculation = (/calculation\s*=\s*'([^']+)'/.exec(text)?.[1] ?? 'scf') as QeProfile['calculation'];
    return { calculation, input: readQeInput(text, { source: join(dir, INPUT_FILE) }) };
  }

  async assess(dir: string, exit: JobExit, params: QeProfile): Promise<Assessment> {
    const out = parsePwOutput(await readText(join(dir, this.stdoutFile)));
    const stderr = await readText(join(dir, this.stderrFile));
    const { input } = await this.#readInput(dir);
    const result =
      out.energyRy !== null && out.nat !== null
        ? toDftResult(out, { calculation: params.calculation, input })
        : null;
    const verdict = (outcome: Assessment['outcome'], reason: string): Assessment => ({
      outcome,
      reason,
      result,
    });

    if (/unable to find the specified executable|execvp error/i.test(stderr)) {
      throw new EngineSetupError(`pw.x could not be started: ${lastLines(stderr)}`, { engine: 'qe' });
    }
    if (exit.timedOut)
      return verdict('timeout', `killed after the wall-time limit (${exit.wallS.toFixed(0)} s)`);
    if (out.error && INPUT_ROUTINES.test(out.error.routine)) {
      return verdict('input_error', `pw.x rejected the input in ${out.error.routine}: ${out.error.message}`);
    }
    const nat = input.species.length;
    const complete = out.scfConverged && out.forcesEvPerA.length === nat && out.stressEvPerA3.length === 3;
    const clean = exit.exitCode === 0 && out.jobDone;
    if (params.calculation === 'scf' && complete && clean) return verdict('converged', convergedReason(out));
    if (params.calculation !== 'scf' && complete && clean && out.ionic?.converged) {
      return verdict('converged', `${convergedReason(out)}; BFGS converged in ${out.ionic.steps} steps`);
    }
    if (/convergence NOT achieved/.test(out.text.slice(out.text.lastIndexOf('iteration #')))) {
      return verdict(
        'scf_not_converged',
        `SCF not converged in ${out.scfIterations} iterations (electron_maxstep ${params.electronMaxstep})`,
      );
    }
    if (params.calculation !== 'scf' && out.ionic && (out.ionic.maxStepsReached || out.ionic.failed)) {
      const why = out.ionic.maxStepsReached ? `nstep ${params.nstep} reached` : 'BFGS failed';
      return verdict(
        'ionic_not_converged',
        `relaxation not converged: ${why} after ${out.ionic.steps} BFGS steps`,
      );
    }
    const code = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`;
    const detail = out.error
      ? `pw.x error in ${out.error.routine}: ${out.error.message}`
      : lastLines(stderr) || 'no error message';
    if (exit.signal || /exited on signal|killed/i.test(stderr))
      return verdict('killed', `pw.x was killed (${code}): ${detail}`);
    return verdict('crashed', `pw.x ended without a result (${code}): ${detail}`);
  }

  createProgressTracker(): PwProgressTracker {
    return new PwProgressTracker();
  }

  handle(context: HandlerContext<QeProfile>): HandlerDecision<QeProfile> {
    return handleQeFailure(context);
  }
}

function convergedReason(out: PwOutput): string {
  return `SCF converged in ${out.scfIterations} iterations`;
}

function lastLines(text: string, n = 3): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^-+$/.test(l) && !/floating-point exceptions/.test(l))
    .slice(-n)
    .join(' | ');
}
