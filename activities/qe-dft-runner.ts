/**
 * The `DftRunner` activities use, over Quantum ESPRESSO: a named profile, the local launcher by
 * default, retries and error handlers from `activities/dft/run-calculation.ts`.
 */
import { EngineInputError } from './dft/errors.js';
import type { Launcher } from './dft/launcher.js';
import { LocalLauncher } from './dft/launchers/local.js';
import { QeProfile, type QeProfileName } from './dft/qe/profiles.js';
import { QeTemplate } from './dft/qe/qe-template.js';
import { runCalculation } from './dft/run-calculation.js';
import { qeLevelOfTheory } from './dft-level-of-theory.js';
import type { DftRunner, DftRunOutcome, DftRunRequest } from './dft-runner.js';

export interface QeDftRunnerOptions {
  /** SSSP folder; default PSEUDO_DIR, else the copy beside a development checkout. */
  readonly pseudoDir?: string | undefined;
  readonly launcher?: Launcher;
}

export function createQeDftRunner(options: QeDftRunnerOptions = {}): DftRunner {
  const engine = new QeTemplate(options.pseudoDir ? { pseudoDir: options.pseudoDir } : {});
  const launcher = options.launcher ?? new LocalLauncher();
  return {
    async run(request: DftRunRequest): Promise<DftRunOutcome> {
      if (!(QeProfile.names as string[]).includes(request.profileName)) {
        throw new EngineInputError(
          `unknown QE profile '${request.profileName}': choose ${QeProfile.names.join(' or ')}`,
          { engine: 'qe', field: 'profile' },
        );
      }
      const profile = QeProfile.named(request.profileName as QeProfileName, {
        calculation: request.calculation,
      });
      const started = performance.now();
      const outcome = await runCalculation({
        structure: request.structure,
        engine,
        profile,
        launcher,
        workRoot: request.workDir,
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.onProgress ? { onProgress: (p) => request.onProgress!({ ...p }) } : {}),
      });
      const r = outcome.result;
      return {
        status: outcome.status,
        ...(outcome.status === 'failed' ? { reason: outcome.reason } : {}),
        ...(r && outcome.status === 'converged'
          ? {
              result: {
                energyEv: r.energyEv,
                energyPerAtomEv: r.energyPerAtomEv,
                forcesEvPerA: r.forcesEvPerA,
                stressEvPerA3: r.stressEvPerA3,
                scfConverged: r.scfConverged,
              },
            }
          : {}),
        attempts: outcome.attempts,
        profile,
        levelOfTheory: qeLevelOfTheory(profile),
        wallS: (performance.now() - started) / 1000,
        workDir: request.workDir,
      };
    },
  };
}
