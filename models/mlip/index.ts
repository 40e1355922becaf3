/**
 * The potential runtime: ONNX interatomic potentials (a committee or a single network, ours or an
 * exported foundation model) behind one contract, with forces, stress and committee uncertainty
 * assembled here in float64.
 *
 * ```ts
 * import { MlipModel, trustLevel } from './models/mlip/index.js';
 *
 * const model = await MlipModel.load('test/models/mlip/fixtures/morse-committee.onnx');
 * const [p] = await model.predict([structure]); // many structures -> one ONNX call
 * p.energyEv;                        // committee mean, eV
 * p.forcesEvPerA;                    // N×3, eV/Å
 * p.stressEvPerA3;                   // 3×3, eV/Å³, ASE sign (positive = tensile)
 * p.uncertainty.maxForceDevEvPerA;   // DP-GEN model deviation
 * trustLevel(p.uncertainty);         // 'trusted' | 'candidate' | 'untrusted'
 * ```
 *
 * The ONNX contract (format `matdisc-potential-v1`) and the model card are documented in
 * `models/README.md`; `models/relax/` relaxes structures with any of these models.
 */
export { MlipModel, CONTRACT_INPUTS, CONTRACT_OUTPUTS, type MlipModelOptions } from './mlip-model.js';
export { PotentialProperty, type Prediction, type Uncertainty } from './prediction.js';
export { trustLevel, TrustLevel, DEFAULT_TRUST_THRESHOLDS, type TrustThresholds } from './trust.js';
export {
  ModelCardSchema,
  POTENTIAL_FORMAT,
  cardPathFor,
  parseModelCard,
  readModelCard,
  type ModelCard,
} from './model-card.js';
export {
  DEFAULT_MODELS_DIR,
  listModelNames,
  looksLikePath,
  modelNameOf,
  resolveModelPath,
} from './model-registry.js';
export { ExecutionProviderChoice, clearSessionPool, cudaUnavailableReason } from '../onnx/session-pool.js';
export { buildBatchGraph, type BatchGraph } from './batch-graph.js';
export { assemblePredictions, type RawOutputs } from './assemble.js';
export {
  ContractError,
  ModelCardError,
  ModelLoadError,
  PotentialError,
  UnsupportedElementError,
} from './errors.js';
export { ModelFileError } from '../onnx/model-file-error.js';
