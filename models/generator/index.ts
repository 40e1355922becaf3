/**
 * The generator runtime: DiffCSP-style joint diffusion of lattice, fractional coordinates and
 * atom types, with the ONNX network as a pure denoiser and everything else here in TypeScript:
 * the noise schedule, the predictor-corrector loop, conditioning masks and seeding (DESIGN.md,
 * "Generator").
 *
 * ```ts
 * import { GeneratorModel, generate, parseChemicalSystem, resolveGeneratorPath } from './models/generator/index.js';
 *
 * const model = await GeneratorModel.load(resolveGeneratorPath(), { intraOpThreads: 2 });
 * const result = await generate(model, { kind: 'system', elements: parseChemicalSystem('Li-Si-O') }, 100, { seed: 1 });
 * for (const s of result.samples) if (s.valid) console.log(Structure.reducedFormula(s.structure));
 * await model.dispose();
 * ```
 *
 * The ONNX contract, the schedule JSON and the model card are documented in
 * `models/generator/sampler.md`; `models/generator/evaluate/` scores a model on MP-20 rows.
 */
export {
  GeneratorModel,
  GENERATOR_INPUTS,
  GENERATOR_OUTPUTS,
  type DenoiserInputs,
  type DenoiserOutputs,
  type GeneratorModelOptions,
} from './generator-model.js';
export { generate, generateFromPlans, type GenerateOptions, type GenerationResult } from './generate.js';
export {
  maxTrainingAtoms,
  parseChemicalSystem,
  parseCompositionRequest,
  planSamples,
  planWarnings,
  systemKey,
  type GenerationRequest,
  type SamplePlan,
} from './conditioning.js';
export { compositionSpace, type ChargeChoice, type CompositionSpace } from './system-compositions.js';
export {
  ANION_CANDIDATES,
  electronegativity,
  isChargeBalanced,
  isIonicSystem,
  oxidationStates,
} from './oxidation-states.js';
export { sample, sampleSteps, type RawSample, type SamplerOptions, type SamplerProgress } from './sample.js';
export {
  finishSample,
  SampleInvalidCode,
  type GeneratedSample,
  type SampleInvalidReason,
} from './postprocess.js';
export { pcSteps, stepIndices, type PcStep } from './timesteps.js';
export { parseSchedule, readSchedule, SCHEDULE_FORMAT, type GeneratorSchedule } from './schedule.js';
export {
  GENERATOR_FORMAT,
  GeneratorCardSchema,
  generatorCardPath,
  readGeneratorCard,
  type GeneratorCard,
} from './model-card.js';
export {
  DEFAULT_GENERATOR_DIR,
  DEFAULT_GENERATOR_NAME,
  FIXTURE_GENERATOR,
  HOW_TO_GET_GENERATOR,
  listGeneratorNames,
  resolveGeneratorPath,
} from './model-registry.js';
export { Prng } from './prng.js';
export {
  ConditionError,
  DenoiserContractError,
  ElementNotInVocabularyError,
  GeneratorError,
  GeneratorModelError,
  GeneratorModelNotFoundError,
} from './errors.js';
export { ModelFileError } from '../onnx/model-file-error.js';
