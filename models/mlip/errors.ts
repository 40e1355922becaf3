/**
 * Errors of the potential runtime (STYLE.md E1, E2): the class name is the retry contract, so
 * every class here describes a problem a retry cannot fix (list them as non-retryable).
 */
import { ModelFileError } from '../onnx/model-file-error.js';

/** Base class of the errors `predict` raises; the loading errors are {@link ModelFileError}s. */
export class PotentialError extends Error {
  override readonly name: string = 'PotentialError';
}

/**
 * Raised by `MlipModel.load` when a model cannot be used: the file or its card is missing, the
 * card fails validation (the message names the field), the sha256 does not match, or the ONNX
 * graph does not have the contract's inputs and outputs.
 */
export class ModelLoadError extends ModelFileError {
  override readonly name: string = 'ModelLoadError';
}

/** Raised when a model card fails validation; `fields` names every bad field (dotted paths). */
export class ModelCardError extends ModelLoadError {
  override readonly name: string = 'ModelCardError';
  constructor(message: string, path: string, fields: readonly string[], options?: { cause?: unknown }) {
    super(message, path, { ...options, fields });
  }
}

/** Raised by `predict` when a structure holds an element the model was not trained on. */
export class UnsupportedElementError extends PotentialError {
  override readonly name: string = 'UnsupportedElementError';
  constructor(
    readonly element: string,
    readonly modelName: string,
    /** Index of the offending structure in the `predict` call. */
    readonly structureIndex: number,
  ) {
    super(
      `model ${JSON.stringify(modelName)} does not support element ${JSON.stringify(element)} ` +
        `(structure ${structureIndex}); its card lists the elements it was trained on`,
    );
  }
}

/** Raised when the ONNX outputs break the contract (wrong shapes, member count unlike the card). */
export class ContractError extends PotentialError {
  override readonly name: string = 'ContractError';
}
