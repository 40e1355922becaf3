/**
 * One loaded model's share of a pooled ONNX Runtime session: opened only when the graph has the
 * model's contract inputs and outputs, released once. Error messages are the caller's.
 */
import type * as ort from 'onnxruntime-node';
import {
  acquireSession,
  releaseSession,
  type ExecutionProviderChoice,
  type PooledSession,
} from './session-pool.js';

/** The session options every model's `load` takes. */
export interface ModelSessionOptions {
  /** 'auto' (default): CUDA when a GPU and the CUDA provider are present, else CPU. */
  readonly executionProviders?: ExecutionProviderChoice;
  /** ONNX Runtime intra-op threads (default: ONNX Runtime's choice, one per core). */
  readonly intraOpThreads?: number;
  /** Where fallbacks and warnings go (default: stderr). */
  readonly log?: (message: string) => void;
}

/** The execution provider a session runs on, and why the CPU when CUDA was considered. */
export interface SessionDevice {
  readonly executionProvider: 'cpu' | 'cuda';
  readonly fallbackReason?: string;
}

/** What a graph lacks of its contract, and what it has, for the caller's error message. */
export interface ContractMismatch {
  readonly missingInputs: readonly string[];
  readonly missingOutputs: readonly string[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/** A model's ONNX contract, and the errors it raises when a file breaks it. */
export interface ModelContract {
  /** Names the graph must have. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** The error for a file ONNX Runtime cannot open. */
  readonly openFailed: (err: Error) => Error;
  /** The error for a graph without some of `inputs` or `outputs`. */
  readonly contractBroken: (mismatch: ContractMismatch) => Error;
}

export class ModelSession {
  readonly #pooled: PooledSession;
  readonly #key: string;
  #released = false;

  private constructor(pooled: PooledSession, key: string) {
    this.#pooled = pooled;
    this.#key = key;
  }

  /** Gets the pooled session for `path`; on failure its reference is dropped before the throw. */
  static async open(
    path: string,
    options: ModelSessionOptions,
    contract: ModelContract,
  ): Promise<ModelSession> {
    const { key, promise } = acquireSession(path, {
      executionProviders: options.executionProviders ?? 'auto',
      intraOpThreads: options.intraOpThreads,
      log: options.log ?? ((m: string) => process.stderr.write(`${m}\n`)),
    });
    let pooled: PooledSession;
    try {
      pooled = await promise;
    } catch (err) {
      await releaseSession(key);
      throw contract.openFailed(err as Error);
    }
    const { inputNames, outputNames } = pooled.session;
    const missingInputs = contract.inputs.filter((n) => !inputNames.includes(n));
    const missingOutputs = contract.outputs.filter((n) => !outputNames.includes(n));
    if (missingInputs.length || missingOutputs.length) {
      await releaseSession(key);
      throw contract.contractBroken({ missingInputs, missingOutputs, inputNames, outputNames });
    }
    return new ModelSession(pooled, key);
  }

  get session(): ort.InferenceSession {
    return this.#pooled.session;
  }

  get device(): SessionDevice {
    const { executionProvider, fallbackReason } = this.#pooled;
    return fallbackReason ? { executionProvider, fallbackReason } : { executionProvider };
  }

  get released(): boolean {
    return this.#released;
  }

  /** Drops this model's reference to the pooled session; later calls do nothing. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await releaseSession(this.#key);
  }
}
