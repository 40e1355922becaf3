/**
 * DFT engines for matdisc: the ground-truth labels (energy, forces, stress) of the active-learning
 * loop. An engine *template* (`EngineTemplate`: Quantum ESPRESSO's `QeTemplate`, `VaspTemplate`)
 * renders inputs and reads outputs; a *launcher* (`LocalLauncher`, `SlurmLauncher`) runs the argv;
 * `runCalculation` ties them together with one directory per attempt and the engine's error
 * handlers, and returns a stored outcome instead of throwing for scientific failures.
 *
 * ```ts
 * import { LocalLauncher, QeProfile, QeTemplate, runCalculation } from './dft/index.js';
 *
 * const outcome = await runCalculation({
 *   structure,                                   // crystal/structure.ts, Å
 *   engine: new QeTemplate(),                    // pseudopotentials from PSEUDO_DIR
 *   profile: QeProfile.named('production'),
 *   launcher: new LocalLauncher(),
 *   workRoot: `/data/dft/${candidateId}`,
 *   signal: Context.current().cancellationSignal,
 *   onProgress: (p) => Context.current().heartbeat(p),
 * });
 * if (outcome.status === 'converged') store(outcome.result.energyEv, outcome.result.forcesEvPerA);
 * // every attempt, with the parameters a handler changed: outcome.attempts
 * ```
 *
 * Units: eV, Å, eV/Å, eV/Å³ (ASE sign, positive = tensile). Errors: errors.ts (`EngineSetupError`
 * and `EngineInputError` are non-retryable). See qe/README.md for the QE specifics.
 */
export * from './engine.js';
export * from './errors.js';
export * from './launcher.js';
export { LocalLauncher, type LocalLauncherOptions } from './launchers/local.js';
export {
  DEFAULT_MAX_ATTEMPTS,
  DftOutcome,
  runCalculation,
  type DftProgress,
  type RunCalculationInput,
} from './run-calculation.js';
export { QE_HANDLERS, handleQeFailure } from './qe/qe-handlers.js';
export { monkhorstPackGrid } from './qe/kpoints.js';
export { QeProfile, type QeProfileName } from './qe/profiles.js';
export { renderPwInput, type PwInput } from './qe/pw-input.js';
export { parsePwOutput, toDftResult, type PwOutput } from './qe/pw-output.js';
export { parsePwProgress, PwProgressTracker } from './qe/pw-progress.js';
export { QeTemplate, type QeTemplateOptions } from './qe/qe-template.js';
export { loadSssp, type SsspEntry, type SsspLibrary } from './qe/sssp.js';
