/**
 * Reads OUTCAR: the version, the echoed parameters (NIONS, NELM, EDIFF, ISPIN, NSW, IBRION, ISIF,
 * EDIFFG), the POTCAR titles, and per ionic step its electronic iterations, whether the electronic
 * loop reached EDIFF, the stress ("in kB"), the cell, the positions and forces ("TOTAL-FORCE"),
 * the energies after "FREE ENERGIE OF THE ION-ELECTRON SYSTEM" and the magnetization; then whether a
 * relaxation reached its accuracy, the elapsed time and the warnings.
 *
 * Values stay as VASP wrote them (stress in kbar with VASP's sign, positions Cartesian Å).
 * Checked against OUTCARs of VASP 5.4.4 and 6.3.2 (test/dft/vasp).
 *
 * An ionic step counts once its closing free energy is printed; a run cut short mid-step leaves that
 * step out. SCF convergence of a step is the line "aborting loop because EDIFF is reached", which
 * VASP prints only when the energy change fell below EDIFF; a step that ran NELM iterations without
 * it did not converge (VASP then carries on regardless).
 */
import type { Mat3, Vec3 } from '../../../crystal/lattice.js';
import { firstNumber, numbersIn } from './numbers.js';

/** One ionic step of OUTCAR. */
export interface OutcarIonicStep {
  /** Electronic iterations of this step ("Iteration n( m)": the largest m). */
  readonly scfIterations: number;
  /** True when "aborting loop because EDIFF is reached" was printed in this step. */
  readonly scfConverged: boolean;
  /** "in kB" line: XX YY ZZ XY YZ ZX, kbar, VASP's sign; null when not computed. */
  readonly stressKbar: readonly number[] | null;
  /** "direct lattice vectors" in force at this step, Å (rows); null before any. */
  readonly lattice: Mat3 | null;
  /** "POSITION" column of the TOTAL-FORCE block, Cartesian Å. */
  readonly positions: readonly Vec3[];
  /** "TOTAL-FORCE (eV/Angst)" column, eV/Å. */
  readonly forcesEvPerA: readonly Vec3[];
  /** "free  energy   TOTEN", eV. */
  readonly freeEnergyEv: number;
  /** "energy  without entropy", eV. */
  readonly energyWithoutEntropyEv: number | null;
  /** "energy(sigma->0)", eV. */
  readonly energySigma0Ev: number | null;
  /** Last "number of electron … magnetization" of the step, μB; null for ISPIN = 1. */
  readonly magnetization: number | null;
}

export interface Outcar {
  /** From the first line, e.g. '6.3.2' or '5.4.4.18Apr17-6-g9f103f2a35'. */
  readonly version: string | null;
  readonly nIons: number | null;
  readonly ionsPerType: readonly number[];
  /** POTCAR "TITEL" per type, e.g. 'PAW_PBE Li_sv 10Sep2004'. */
  readonly potcarTitles: readonly string[];
  /** Echoed parameters as VASP used them (null when not found). */
  readonly parameters: {
    readonly NELM: number | null;
    readonly EDIFF: number | null;
    readonly ISPIN: number | null;
    readonly NSW: number | null;
    readonly IBRION: number | null;
    readonly ISIF: number | null;
    readonly EDIFFG: number | null;
  };
  readonly ionicSteps: readonly OutcarIonicStep[];
  /** "reached required accuracy - stopping structural energy minimisation". */
  readonly reachedRequiredAccuracy: boolean;
  /** The lattice VASP printed after the last step (the CONTCAR cell of a relaxation), Å. */
  readonly lastLattice: Mat3 | null;
  /** "Elapsed time (sec)", s. */
  readonly elapsedS: number | null;
  /** The "General timing and accounting" footer was printed: VASP ended normally. */
  readonly finished: boolean;
  /** WARNING lines and boxed warnings, whitespace collapsed, deduplicated, first-seen order. */
  readonly warnings: readonly string[];
}

interface StepDraft {
  iterations: number;
  converged: boolean;
  stress: number[] | null;
  positions: Vec3[];
  forces: Vec3[];
  magnetization: number | null;
  awaitingEnergy: boolean;
}

const newStep = (): StepDraft => ({
  iterations: 0,
  converged: false,
  stress: null,
  positions: [],
  forces: [],
  magnetization: null,
  awaitingEnergy: false,
});

const PARAMETER_LINES: ReadonlyArray<[keyof Outcar['parameters'], RegExp]> = [
  ['NELM', /^\s+NELM\s*=\s*(\d+);/],
  ['EDIFF', /^\s+EDIFF\s*=\s*(\S+)\s+stopping-criterion for ELM/],
  ['ISPIN', /^\s+ISPIN\s*=\s*(\d+)\s+spin polarized/],
  ['NSW', /^\s+NSW\s*=\s*(\d+)\s+number of steps/],
  ['IBRION', /^\s+IBRION\s*=\s*(-?\d+)\s+ionic relax/],
  ['ISIF', /^\s+ISIF\s*=\s*(\d+)\s+stress and relaxation/],
  ['EDIFFG', /^\s+EDIFFG\s*=\s*(\S+)\s+stopping-criterion for IOM/],
];

/** Parses OUTCAR text. Never throws: missing parts come back null or empty. */
export function parseOutcar(text: string): Outcar {
  const lines = text.split(/\r?\n/);
  const parameters: Record<string, number | null> = {
    NELM: null,
    EDIFF: null,
    ISPIN: null,
    NSW: null,
    IBRION: null,
    ISIF: null,
    EDIFFG: null,
  };
  const potcarTitles: string[] = [];
  const ionicSteps: OutcarIonicStep[] = [];
  const warnings = new Set<string>();
  let version: string | null = null;
  let nIons: number | null = null;
  let ionsPerType: number[] = [];
  let lattice: Mat3 | null = null;
  let stepLattice: Mat3 | null = null;
  let reachedRequiredAccuracy = false;
  let elapsedS: number | null = null;
  let finished = false;
  let step = newStep();
  let freeEnergy: number | null = null;
  let m: RegExpExecArray | null;

  const finishStep = (withoutEntropy: number | null, sigma0: number | null) => {
    ionicSteps.push({
      scfIterations: step.iterations,
      scfConverged: step.converged,
      stressKbar: step.stress,
      lattice: stepLattice,
      positions: step.positions,
      forcesEvPerA: step.forces,
      freeEnergyEv: freeEnergy!,
      energyWithoutEntropyEv: withoutEntropy,
      energySigma0Ev: sigma0,
      magnetization: step.magnetization,
    });
    step = newStep();
    freeEnergy = null;
  };

  let header = true; // before the first electronic iteration: where the parameters are echoed
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Cheap substring tests first: a 50 000-line OUTCAR is mostly tables none of this matches.
    if (i === 0 && (m = /vasp\.(\S+)/.exec(line))) version = m[1]!;
    else if (line.includes('Iteration') && (m = /^\s*-+\s*Iteration\s+(\d+)\s*\(\s*(\d+)\s*\)/.exec(line))) {
      header = false;
      step.iterations = Math.max(step.iterations, Number(m[2]));
    } else if (line.includes('aborting loop because EDIFF is reached')) step.converged = true;
    else if (
      line.includes('magnetization') &&
      (m = /number of electron\s+\S+\s+magnetization\s+(\S+)/.exec(line))
    ) {
      step.magnetization = firstNumber(m[1]);
    } else if (line.includes('in kB') && /^\s+in kB\s/.test(line)) {
      const xs = numbersIn(line);
      step.stress = xs.length === 6 && xs.every(Number.isFinite) ? xs : null;
    } else if (line.includes('direct lattice vectors')) {
      const rows = [1, 2, 3].map((k) => numbersIn(lines[i + k] ?? '').slice(0, 3) as unknown as Vec3);
      if (rows.every((r) => r.length === 3)) lattice = rows as unknown as Mat3;
      i += 3;
    } else if (line.includes('TOTAL-FORCE') && /^\s*POSITION\s+TOTAL-FORCE/.test(line)) {
      stepLattice = lattice;
      step.positions = [];
      step.forces = [];
      for (let k = i + 2; k < lines.length; k++) {
        const xs = numbersIn(lines[k]!);
        if (xs.length !== 6) break; // the closing dashes
        step.positions.push([xs[0]!, xs[1]!, xs[2]!]);
        step.forces.push([xs[3]!, xs[4]!, xs[5]!]);
        i = k;
      }
    } else if (line.includes('FREE ENERGIE OF THE ION-ELECTRON SYSTEM')) step.awaitingEnergy = true;
    else if (step.awaitingEnergy && (m = /free\s+energy\s+TOTEN\s*=\s*(\S+)/.exec(line))) {
      freeEnergy = firstNumber(m[1]);
      step.awaitingEnergy = false;
      const next = lines.slice(i + 1, i + 4).find((l) => /energy\s+without entropy/.test(l));
      const es = /without entropy\s*=\s*(\S+)\s+energy\(sigma->0\)\s*=\s*(\S+)/.exec(next ?? '');
      if (freeEnergy !== null) finishStep(firstNumber(es?.[1]), firstNumber(es?.[2]));
    } else if (line.includes('reached required accuracy - stopping structural energy minimisation')) {
      reachedRequiredAccuracy = true;
    } else if (line.includes('Elapsed time') && (m = /Elapsed time \(sec\):\s*(\S+)/.exec(line)))
      elapsedS = firstNumber(m[1]);
    else if (line.includes('General timing and accounting informations for this job')) finished = true;
    else if (line.includes('WARNING') && (m = /^\s*WARNING[:!]?\s*(.*)$/.exec(line)))
      warnings.add(`WARNING: ${m[1]!.trim()}`);
    else if (line.includes('|') && /^\s*\|/.test(line) && /^\s*-{10,}/.test(lines[i - 1] ?? ''))
      i = readBox(lines, i, warnings);
    else if (header) readHeaderLine(line);
  }

  function readHeaderLine(line: string): void {
    if ((m = /^\s*TITEL\s*=\s*(.+?)\s*$/.exec(line))) potcarTitles.push(m[1]!);
    else if ((m = /number of ions\s+NIONS\s*=\s*(\d+)/.exec(line))) nIons = Number(m[1]);
    else if ((m = /^\s*ions per type\s*=\s*(.*)$/.exec(line))) ionsPerType = numbersIn(m[1]!);
    else {
      for (const [key, pattern] of PARAMETER_LINES) {
        if ((m = pattern.exec(line))) parameters[key] = firstNumber(m[1]);
      }
    }
  }

  return {
    version,
    nIons,
    ionsPerType,
    potcarTitles,
    parameters: parameters as unknown as Outcar['parameters'],
    ionicSteps,
    reachedRequiredAccuracy,
    lastLattice: lattice,
    elapsedS,
    finished,
    warnings: [...warnings],
  };
}

/**
 * Reads a box framed by '|' lines starting at `start`; records it when it is a warning (VASP 5's
 * "W A R N I N G" header or VASP 6's ASCII-art "WARNING"), not for ADVICE boxes. Returns the index
 * of the box's last line.
 */
function readBox(lines: readonly string[], start: number, warnings: Set<string>): number {
  const body: string[] = [];
  let i = start;
  for (; i < lines.length && /^\s*\|/.test(lines[i]!); i++)
    body.push(lines[i]!.replace(/^\s*\|/, '').replace(/\|\s*$/, ''));
  const art = (l: string) => /^[\sWARNIG!]+$/.test(l) && /W/.test(l) && /R/.test(l);
  const isWarning = body.some((l) => /W A R N I N G/.test(l)) || body.some(art);
  if (isWarning) {
    const message = body
      .filter((l) => !art(l) && !/W A R N I N G/.test(l))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (message) warnings.add(`WARNING: ${message}`);
  }
  return i - 1;
}
