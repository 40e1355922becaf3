/**
 * The engine seam (STYLE.md L6, DESIGN.md "DFT engine"): every DFT code (Quantum ESPRESSO, VASP)
 * implements `EngineTemplate<P>`, where `P` is its plain-JSON parameter set. A template renders
 * input files, builds argv, reads output, judges an attempt and proposes the next one; it never
 * decides where the job runs (that is a `Launcher`).
 *
 * Units (DESIGN.md "Conventions"): eV, Å, eV/Å, eV/Å³ with the ASE sign (positive = tensile);
 * Rydberg, bohr and kbar appear only inside engine files.
 */
import type { Structure } from '../crystal/structure.js';
import type { JobExit, ParallelLaunch } from './launcher.js';

export type EngineName = 'qe' | 'vasp';

/** The shared property vocabulary (ASE ase/outputs.py; STYLE.md D4). */
export const DftProperty = {
  /** Total (free) energy, eV: `energyEv`. */
  Energy: 'energy',
  /** Forces, eV/Å, N×3: `forcesEvPerA`. */
  Forces: 'forces',
  /** Stress, eV/Å³, 3×3, ASE sign: `stressEvPerA3`. */
  Stress: 'stress',
  /** Total magnetization, μB per cell: `totalMagnetization`. */
  Magmom: 'magmom',
} as const;
export type DftProperty = (typeof DftProperty)[keyof typeof DftProperty];

/** What one engine run produced. Plain JSON. */
export interface DftResult {
  readonly engine: EngineName;
  /**
   * Total energy of the last SCF cycle, eV. With smearing this is the free energy F = E − TS
   * (what pw.x prints on its '!' line), the quantity the forces are derivatives of. When
   * `scfConverged` is false it is the last iteration's estimate.
   */
  readonly energyEv: number;
  readonly energyPerAtomEv: number;
  /** Forces on the atoms of the last SCF cycle, eV/Å, N×3; empty when the run stopped before them. */
  readonly forcesEvPerA: number[][];
  /** Stress of the last SCF cycle, eV/Å³, 3×3, ASE sign (positive = tensile); empty when absent. */
  readonly stressEvPerA3: number[][];
  /** Total magnetization, Bohr magnetons per cell; absent for non-spin-polarised runs. */
  readonly totalMagnetization?: number;
  /** True when the last SCF cycle reached its threshold. "JOB DONE" alone does not make it true. */
  readonly scfConverged: boolean;
  /** Relaxations only: true when the optimizer reported convergence. */
  readonly ionicConverged?: boolean;
  /** Relaxations only: the final (or, if unconverged, the last printed) structure. */
  readonly finalStructure?: Structure;
  /** Iterations of the last SCF cycle. */
  readonly scfIterations: number;
  /** Completed SCF cycles (1 for scf; ionic steps + final scf for relaxations). */
  readonly scfCycles: number;
  /** Wall time the engine reported for itself, s (null when it did not get that far). */
  readonly wallS: number | null;
  /** Whether the engine printed its normal end ('JOB DONE.'). Not a success criterion by itself. */
  readonly jobDone: boolean;
  /** Warnings printed by the engine, deduplicated, in order of first appearance. */
  readonly warnings: readonly string[];
  /** Engine version string, e.g. '6.7MaX'. */
  readonly engineVersion: string | null;
}

/** How an attempt ended (closed set, STYLE.md D9). */
export const AttemptOutcome = {
  Converged: 'converged',
  ScfNotConverged: 'scf_not_converged',
  IonicNotConverged: 'ionic_not_converged',
  /** Non-zero exit without a usable result. */
  Crashed: 'crashed',
  /** Ended by a signal from outside (OOM killer, an operator). */
  Killed: 'killed',
  /** Killed by the launcher's wall-time limit. */
  Timeout: 'timeout',
  /** The engine rejected its input; never retried. */
  InputError: 'input_error',
} as const;
export type AttemptOutcome = (typeof AttemptOutcome)[keyof typeof AttemptOutcome];

/** One parameter a handler changed. */
export interface ParameterChange {
  /** Field of the parameter set, e.g. 'mixingBeta'. */
  readonly name: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** What a handler changed before an attempt, and why. */
export interface AttemptChange {
  /** Handler name, e.g. 'handleScfNotConverged'. */
  readonly handler: string;
  /** Why, in words, e.g. 'SCF not converged in 2 iterations: halve mixing_beta…'. */
  readonly reason: string;
  readonly parameters: readonly ParameterChange[];
  /** Set when the structure is the last geometry of an earlier attempt (its index). */
  readonly restartedFromAttempt?: number;
}

/** One run of the engine, as stored (DESIGN.md: every attempt and parameter change is stored). */
export interface Attempt<P = unknown> {
  readonly index: number;
  /** Working directory of the attempt (`<workRoot>/attempt-<index>`). */
  readonly directory: string;
  /** The parameter set actually used. */
  readonly params: P;
  /** Values the template derived for this structure (cutoffs, k-grid, …). */
  readonly resolved: Readonly<Record<string, unknown>>;
  /** Null for the first attempt. */
  readonly change: AttemptChange | null;
  readonly outcome: AttemptOutcome;
  readonly reason: string;
  /** Wall time measured by the launcher, s. */
  readonly wallS: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

/** Files a template wrote and the values it derived. */
export interface WrittenInputs {
  readonly files: readonly string[];
  readonly resolved: Readonly<Record<string, unknown>>;
}

/** A template's verdict on a finished attempt. */
export interface Assessment {
  readonly outcome: AttemptOutcome;
  readonly reason: string;
  /** Parsed output when there was any (always present for 'converged'). */
  readonly result: DftResult | null;
}

/** Progress seen so far in a running job's output. */
export interface EngineProgress {
  /** Iteration within the current SCF cycle (1-based); 0 before the first. */
  readonly scfIteration: number;
  /** Completed SCF cycles, i.e. ionic steps done. */
  readonly ionicStep: number;
  /** Latest total energy printed (iteration estimate or converged), eV; null before any. */
  readonly energyEv: number | null;
  /** Latest "estimated scf accuracy", eV; null before any. */
  readonly scfAccuracyEv: number | null;
}

/** Feeds output chunks (any boundaries); returns the new progress when something advanced. */
export interface ProgressTracker {
  feed(chunk: string): EngineProgress | null;
}

/** What a handler sees after a failed attempt. */
export interface HandlerContext<P> {
  /** The attempt that just failed. */
  readonly attempt: Attempt<P>;
  /** Every attempt so far, this one last. */
  readonly history: readonly Attempt<P>[];
  /** Its parsed output, if any. */
  readonly result: DftResult | null;
  /** The structure it ran on. */
  readonly structure: Structure;
}

export type HandlerDecision<P> =
  | {
      readonly action: 'retry';
      readonly params: P;
      readonly structure: Structure;
      readonly change: AttemptChange;
    }
  | { readonly action: 'give_up'; readonly reason: string };

/** One DFT code: pure rendering and parsing plus its error handlers (ASE's template). */
export interface EngineTemplate<P> {
  readonly name: EngineName;
  readonly implementedProperties: readonly DftProperty[];
  /** File (in the attempt directory) the launcher writes stdout to, e.g. 'pw.out'. */
  readonly stdoutFile: string;
  readonly stderrFile: string;
  /** Folders of scratch data (wavefunctions, charge density) that may be deleted after a run. */
  readonly scratchDirs: readonly string[];
  /** Validates and writes the input files; throws `EngineInputError` for input that cannot run. */
  writeInputs(structure: Structure, params: P, dir: string): Promise<WrittenInputs>;
  /** The command line, e.g. ['mpirun', …, '-np', '2', 'pw.x', '-in', 'pw.in']. */
  argv(params: P, launch: ParallelLaunch): string[];
  /** The level of theory of `params` (level-of-theory.ts): results compare only within one level. */
  levelOfTheory(params: P): string;
  /** Reads the output in `dir`; throws `OutputParseError` when there is nothing to read. */
  parse(dir: string): Promise<DftResult>;
  /** Judges a finished attempt from its exit and files. */
  assess(dir: string, exit: JobExit, params: P): Promise<Assessment>;
  createProgressTracker(): ProgressTracker;
  /** Error handlers: the next parameters (and structure) to try, or give up. */
  handle(context: HandlerContext<P>): HandlerDecision<P>;
}
