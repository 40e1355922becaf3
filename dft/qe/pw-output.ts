/**
 * Reads pw.x standard output (QE 6.x/7.x text format) into `PwOutput`, and `PwOutput` into the
 * engine-neutral `DftResult`. Works on complete and on partial (killed, crashed) output.
 *
 * Conversions and signs:
 * - energy: the last '!' line, Ry → eV (× 13.605693122994). With smearing pw.x prints the free
 *   energy F = E − TS there ("The total energy is F=E-TS"), the quantity forces derive from.
 * - forces: "Forces acting on atoms (cartesian axes, Ry/au)", Ry/bohr → eV/Å, no sign change
 *   (they are −∂E/∂r in both).
 * - stress: "total   stress  (Ry/bohr**3)", Ry/bohr³ → eV/Å³ **and negated**. pw.x prints
 *   compression as positive (a compressed cell has P > 0); ASE's sign is positive = tensile, and
 *   ASE's own reader does the same: `stress *= -1 * units['Ry'] / units['Bohr']**3` with the
 *   comment "sign convention is opposite of ase" (ase/io/espresso.py, read_espresso_out). Tested
 *   physically in test/dft: Si at a = 5.2 Å gives a negative (compressive) diagonal.
 *
 * "JOB DONE." is recorded but proves nothing: pw.x prints it (and exits 2) after "convergence NOT
 * achieved", so `scfConverged` comes only from "convergence has been achieved".
 */
import type { Structure } from '../../crystal/structure.js';
import type { DftResult } from '../engine.js';
import { OutputParseError } from '../errors.js';
import { finalStructureOf } from './pw-final-structure.js';
import { RY_IN_EV, RY_PER_BOHR3_IN_EV_PER_A3, RY_PER_BOHR_IN_EV_PER_A } from './qe-units.js';

/** The error block pw.x prints between rows of '%' before it stops. */
export interface PwError {
  readonly routine: string;
  readonly code: number;
  readonly message: string;
}

/** State of a BFGS relaxation; null in `PwOutput.ionic` for runs without one. */
export interface PwIonicState {
  /** "bfgs converged in … scf cycles and … bfgs steps". */
  readonly converged: boolean;
  /** "The maximum number of steps has been reached." (nstep). */
  readonly maxStepsReached: boolean;
  /** BFGS gave up (history reset twice, trust radius too small). */
  readonly failed: boolean;
  /** BFGS steps done ("number of bfgs steps"). */
  readonly steps: number;
}

export interface PwOutput {
  readonly version: string | null;
  readonly nat: number | null;
  /** Energy of the last SCF cycle (its '!' line when converged, else its last iteration), Ry. */
  readonly energyRy: number | null;
  /** Forces of the last converged cycle, eV/Å; empty when the last cycle did not converge. */
  readonly forcesEvPerA: number[][];
  /** Stress of the last converged cycle, eV/Å³, ASE sign; empty when absent. */
  readonly stressEvPerA3: number[][];
  /** Pressure printed with that stress, kbar (pw.x sign: positive = compressed). */
  readonly pressureKbar: number | null;
  readonly totalMagnetization: number | null;
  /** The last SCF cycle printed "convergence has been achieved". */
  readonly scfConverged: boolean;
  /** Iterations of the last SCF cycle. */
  readonly scfIterations: number;
  /** SCF cycles that printed a '!' energy. */
  readonly scfCycles: number;
  readonly ionic: PwIonicState | null;
  readonly jobDone: boolean;
  /** pw.x's own wall time ("PWSCF : … WALL"), s. */
  readonly wallS: number | null;
  readonly warnings: readonly string[];
  readonly error: PwError | null;
  /** The whole text, for the final-structure reader. */
  readonly text: string;
}

const NUMBER = /[-+]?\d*\.\d+(?:[eEdD][-+]?\d+)?|[-+]?\d+/g;
const numbersIn = (line: string | undefined) =>
  (line?.match(NUMBER) ?? []).map((t) => Number(t.replace(/[dD]/, 'e')));

/** "1h 2m", "1m12.67s", "2.25s" → seconds. */
export function parseQeDuration(text: string): number | null {
  const h = /(\d+)h/.exec(text);
  const m = /(\d+)m/.exec(text);
  const s = /([\d.]+)s/.exec(text);
  if (!h && !m && !s) return null;
  return Number(h?.[1] ?? 0) * 3600 + Number(m?.[1] ?? 0) * 60 + Number(s?.[1] ?? 0);
}

const WARNING_LINE = /warning|eigenvalues not converged|SCF correction compared to forces is large/i;

/** Parses pw.x stdout. Never throws: missing pieces are null or empty. */
export function parsePwOutput(text: string): PwOutput {
  const lines = text.split(/\r?\n/);
  let version: string | null = null;
  let nat: number | null = null;
  let finalEnergy: number | null = null;
  let iterationEnergy: number | null = null;
  let scfCycles = 0;
  let scfIterations = 0;
  let cycleConverged = false;
  let forces: number[][] = [];
  let stress: number[][] = [];
  let pressure: number | null = null;
  let magnetization: number | null = null;
  let bfgsSeen = false;
  let converged = false;
  let maxSteps = false;
  let failed = false;
  let bfgsSteps = 0;
  let wallS: number | null = null;
  let error: PwError | null = null;
  const warnings = new Set<string>();
  let m: RegExpExecArray | null;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if ((m = /Program PWSCF v\.(\S+) starts/.exec(line))) version = m[1]!;
    else if ((m = /number of atoms\/cell\s*=\s*(\d+)/.exec(line))) nat = Number(m[1]);
    else if ((m = /^\s*iteration #\s*(\d+)/.exec(line))) {
      scfIterations = Number(m[1]);
      if (scfIterations === 1) {
        cycleConverged = false;
        iterationEnergy = null;
        finalEnergy = null;
      }
    } else if ((m = /^!\s+total energy\s*=\s*(\S+)\s*Ry/.exec(line))) {
      finalEnergy = Number(m[1]);
      scfCycles++;
    } else if ((m = /^\s+total energy\s*=\s*(\S+)\s*Ry/.exec(line))) iterationEnergy = Number(m[1]);
    else if ((m = /convergence has been achieved in\s+(\d+)\s+iterations/.exec(line))) {
      cycleConverged = true;
      scfIterations = Number(m[1]);
    } else if (/convergence NOT achieved/.test(line)) cycleConverged = false;
    else if (/Forces acting on atoms.*Ry\/au/.test(line) && nat !== null) {
      const rows: number[][] = [];
      for (let k = i + 1; k < lines.length && rows.length < nat; k++) {
        if ((m = /^\s*atom\s+\d+\s+type\s+\d+\s+force\s*=(.*)$/.exec(lines[k]!))) {
          rows.push(numbersIn(m[1]).map((f) => f * RY_PER_BOHR_IN_EV_PER_A));
        } else if (rows.length > 0) break;
      }
      if (rows.length === nat) forces = rows;
    } else if ((m = /total\s+stress\s*\(Ry\/bohr\*\*3\).*P=\s*(\S+)/.exec(line))) {
      pressure = Number(m[1]);
      stress = [1, 2, 3].map((k) =>
        numbersIn(lines[i + k])
          .slice(0, 3)
          .map((s) => -s * RY_PER_BOHR3_IN_EV_PER_A3),
      );
    } else if ((m = /total magnetization\s*=\s*(\S+)\s*Bohr mag\/cell/.exec(line)))
      magnetization = Number(m[1]);
    else if (/BFGS Geometry Optimization/.test(line)) bfgsSeen = true;
    else if ((m = /number of bfgs steps\s*=\s*(\d+)/.exec(line))) bfgsSteps = Number(m[1]);
    else if (/bfgs converged in/.test(line)) converged = true;
    else if (/The maximum number of steps has been reached/.test(line)) maxSteps = true;
    else if (/bfgs failed|history already reset at previous step|trust radius .*too small/i.test(line))
      failed = true;
    else if ((m = /^\s*PWSCF\s*:(.*)CPU(.*)WALL/.exec(line))) wallS = parseQeDuration(m[2]!);
    else if ((m = /Error in routine\s+(\S+)\s*\(\s*(-?\d+)\s*\):/.exec(line))) {
      const message: string[] = [];
      for (let k = i + 1; k < lines.length && !/^\s*%{10,}/.test(lines[k]!); k++)
        message.push(lines[k]!.trim());
      error = { routine: m[1]!, code: Number(m[2]), message: message.filter(Boolean).join(' ') };
    } else if ((m = /Message from routine\s+(\S+):/.exec(line))) {
      warnings.add(`${m[1]}: ${(lines[i + 1] ?? '').trim()}`);
    } else if (WARNING_LINE.test(line)) warnings.add(line.trim());
  }
  const complete = stress.length === 3 && stress.every((r) => r.length === 3);
  return {
    version,
    nat,
    energyRy: cycleConverged ? finalEnergy : (iterationEnergy ?? finalEnergy),
    forcesEvPerA: cycleConverged ? forces : [],
    stressEvPerA3: cycleConverged && complete ? stress : [],
    pressureKbar: cycleConverged ? pressure : null,
    totalMagnetization: magnetization,
    scfConverged: cycleConverged && finalEnergy !== null,
    scfIterations,
    scfCycles,
    ionic: bfgsSeen ? { converged, maxStepsReached: maxSteps, failed, steps: bfgsSteps } : null,
    jobDone: /JOB DONE\./.test(text),
    wallS,
    warnings: [...warnings],
    error,
    text,
  };
}

/**
 * The engine-neutral result. `calculation` and `input` (the structure pw.x started from) are
 * needed for the final structure of relaxations. Throws `OutputParseError` when the output has
 * no energy at all (pw.x stopped before its first SCF iteration).
 */
export function toDftResult(
  out: PwOutput,
  context: {
    readonly calculation: 'scf' | 'relax' | 'vc-relax';
    readonly input: Structure;
    readonly file?: string;
  },
): DftResult {
  if (out.energyRy === null || out.nat === null) {
    const why = out.error
      ? `pw.x stopped in ${out.error.routine}: ${out.error.message}`
      : 'no SCF energy in the output';
    throw new OutputParseError(why, { engine: 'qe', file: context.file ?? null });
  }
  const energyEv = out.energyRy * RY_IN_EV;
  const relax = context.calculation !== 'scf';
  const finalStructure = relax ? finalStructureOf(out.text, context.calculation, context.input) : undefined;
  return {
    engine: 'qe',
    energyEv,
    energyPerAtomEv: energyEv / out.nat,
    forcesEvPerA: out.forcesEvPerA,
    stressEvPerA3: out.stressEvPerA3,
    ...(out.totalMagnetization !== null ? { totalMagnetization: out.totalMagnetization } : {}),
    scfConverged: out.scfConverged,
    ...(relax ? { ionicConverged: out.ionic?.converged ?? false } : {}),
    ...(finalStructure ? { finalStructure } : {}),
    scfIterations: out.scfIterations,
    scfCycles: out.scfCycles,
    wallS: out.wallS,
    jobDone: out.jobDone,
    warnings: out.warnings,
    engineVersion: out.version,
  };
}
