/**
 * Progress from VASP's stdout, which repeats OSZICAR's lines:
 *
 * ```
 * DAV:   5    -0.139930107972E+03   -0.36752E+01   -0.36722E+01 10792   0.104E+01    0.278E+01
 *    1 F= -.15301236E+03 E0= -.15301236E+03  d E =-.511277E-24  mag=     0.0002
 * ```
 *
 * An electronic line (DAV, RMM, CG, DIA, SDA, …) gives the iteration, the energy (eV) and its change
 * (used as the SCF accuracy, eV); an "F=" line closes an ionic step.
 */
import type { EngineProgress, ProgressTracker } from '../engine.js';

const ELECTRONIC = /^\s*([A-Z]{2,4}):\s+(\d+)\s+(\S+)\s+(\S+)/;
const IONIC = /^\s*(\d+)\s+F=\s*(\S+)/;

export function createVaspProgressTracker(): ProgressTracker {
  let partial = '';
  let progress: EngineProgress = { scfIteration: 0, ionicStep: 0, energyEv: null, scfAccuracyEv: null };
  return {
    feed(chunk: string): EngineProgress | null {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop() ?? '';
      let changed = false;
      let m: RegExpExecArray | null;
      for (const line of lines) {
        if ((m = ELECTRONIC.exec(line))) {
          const energy = Number(m[3]);
          const change = Number(m[4]);
          if (!Number.isFinite(energy)) continue;
          progress = {
            ...progress,
            scfIteration: Number(m[2]),
            energyEv: energy,
            scfAccuracyEv: Number.isFinite(change) ? Math.abs(change) : progress.scfAccuracyEv,
          };
          changed = true;
        } else if ((m = IONIC.exec(line))) {
          const energy = Number(m[2]);
          progress = {
            ...progress,
            ionicStep: Number(m[1]),
            scfIteration: 0,
            energyEv: Number.isFinite(energy) ? energy : progress.energyEv,
          };
          changed = true;
        }
      }
      return changed ? progress : null;
    },
  };
}
