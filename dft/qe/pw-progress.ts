/**
 * Progress of a running pw.x from its partial stdout: SCF iteration, ionic step and the latest
 * energy. `PwProgressTracker` takes chunks with arbitrary boundaries (it keeps the unfinished last
 * line) and reports after every SCF iteration (on its "estimated scf accuracy" line, which follows
 * the energy); `parsePwProgress` reads a whole text.
 *
 * ```ts
 * const tracker = new PwProgressTracker();
 * tracker.feed('     iteration #  1     ecut=    30.00 Ry     beta= 0.70\n');  // null
 * tracker.feed('     total energy              =     -22.82310167 Ry\n');  // null
 * tracker.feed('     estimated scf accuracy    <       0.05963164 Ry\n');
 * // { scfIteration: 1, ionicStep: 0, energyEv: -310.5256…, scfAccuracyEv: 0.8113… }
 * ```
 */
import type { EngineProgress, ProgressTracker } from '../engine.js';
import { RY_IN_EV } from './qe-units.js';

export class PwProgressTracker implements ProgressTracker {
  #partial = '';
  #scfIteration = 0;
  #ionicStep = 0;
  #energyEv: number | null = null;
  #scfAccuracyEv: number | null = null;

  /** Current state, whether or not it changed. */
  get progress(): EngineProgress {
    return {
      scfIteration: this.#scfIteration,
      ionicStep: this.#ionicStep,
      energyEv: this.#energyEv,
      scfAccuracyEv: this.#scfAccuracyEv,
    };
  }

  feed(chunk: string): EngineProgress | null {
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    let advanced = false;
    let m: RegExpExecArray | null;
    for (const line of lines) {
      if ((m = /^\s*iteration #\s*(\d+)/.exec(line))) this.#scfIteration = Number(m[1]);
      else if ((m = /^\s+total energy\s*=\s*(\S+)\s*Ry/.exec(line))) {
        this.#energyEv = Number(m[1]) * RY_IN_EV;
      } else if ((m = /^!\s+total energy\s*=\s*(\S+)\s*Ry/.exec(line))) {
        this.#energyEv = Number(m[1]) * RY_IN_EV;
        this.#ionicStep++;
      } else if ((m = /estimated scf accuracy\s*<\s*(\S+)\s*Ry/.exec(line))) {
        // printed right after every energy line: report the pair together
        this.#scfAccuracyEv = Number(m[1]) * RY_IN_EV;
        advanced = true;
      }
    }
    return advanced ? this.progress : null;
  }
}

/** Progress in a complete or partial pw.x output text. */
export function parsePwProgress(text: string): EngineProgress {
  const tracker = new PwProgressTracker();
  tracker.feed(text.endsWith('\n') ? text : `${text}\n`);
  return tracker.progress;
}
