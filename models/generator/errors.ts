/**
 * Errors of the generator runtime (STYLE.md E1, E2). The class name is the retry contract: every
 * class here describes a problem a retry cannot fix, so list them as non-retryable.
 */
import { ModelFileError } from '../onnx/model-file-error.js';

/** Base class of the sampling errors; the loading errors are {@link ModelFileError}s. */
export class GeneratorError extends Error {
  override readonly name: string = 'GeneratorError';
}

/**
 * Raised when the denoiser or its schedule cannot be found or read: the message names the path
 * and how to get the file (train and export it, or pass a path).
 */
export class GeneratorModelNotFoundError extends ModelFileError {
  override readonly name: string = 'GeneratorModelNotFoundError';
}

/**
 * Raised when a schedule or card fails validation (`fields` names every bad field), or the ONNX
 * graph does not have the contract's inputs and outputs.
 */
export class GeneratorModelError extends ModelFileError {
  override readonly name: string = 'GeneratorModelError';
  constructor(message: string, path: string, fields: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, path, { ...options, fields });
  }
}

/** Raised when the model's outputs have the wrong shapes or are not finite where they must be. */
export class DenoiserContractError extends GeneratorError {
  override readonly name: string = 'DenoiserContractError';
}

/**
 * Raised for a request the model cannot serve: an element outside its vocabulary, a composition
 * whose formula unit is larger than the model's largest cell, a bad number of atoms.
 */
export class ConditionError extends GeneratorError {
  override readonly name: string = 'ConditionError';
  constructor(
    message: string,
    /** The request field concerned: 'system', 'composition', 'natoms', 'n', … */
    readonly field: string,
  ) {
    super(message);
  }
}

/** Raised when requested elements are real elements but not in the model's element vocabulary. */
export class ElementNotInVocabularyError extends ConditionError {
  override readonly name: string = 'ElementNotInVocabularyError';
  constructor(
    readonly elements: readonly string[],
    readonly modelName: string,
    field: string,
  ) {
    super(
      `element${elements.length > 1 ? 's' : ''} ${elements.join(', ')} ` +
        `${elements.length > 1 ? 'are' : 'is'} not in the element vocabulary of generator model ` +
        `${JSON.stringify(modelName)} (its schedule lists the elements it can place)`,
      field,
    );
  }
}
