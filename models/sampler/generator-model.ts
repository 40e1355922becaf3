/**
 * `GeneratorModel`: the ONNX denoiser of a DiffCSP-style joint diffusion plus its schedule and
 * card. It only evaluates the network; the sampler (`sample.ts`) owns the loop.
 *
 * ```ts
 * const model = await GeneratorModel.load('models/generator/diffcsp-mp20.onnx', { intraOpThreads: 2 });
 * const out = await model.denoise(batch); // one ONNX call for B structures padded to N atoms
 * await model.dispose();
 * ```
 *
 * Sessions come from the potential runtime's pool (`models/potential/session-pool.ts`): the same
 * CUDA-when-present, CPU-otherwise choice, shared sessions per (file, provider, threads).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  acquireSession,
  releaseSession,
  type ExecutionProviderChoice,
  type PooledSession,
} from '../potential/session-pool.js';
import { DenoiserContractError, GeneratorModelError, GeneratorModelNotFoundError } from './errors.js';
import { generatorCardPath, readGeneratorCard, type GeneratorCard } from './model-card.js';
import { HOW_TO_GET_GENERATOR } from './model-registry.js';
import { readSchedule, type GeneratorSchedule } from './schedule.js';

/** Inputs and outputs of the generator contract (`matdisc-generator-v1`). */
export const GENERATOR_INPUTS = ['atom_types', 'frac_coords', 'lattice', 'mask', 't'] as const;
export const GENERATOR_OUTPUTS = ['eps_lattice', 'score_frac', 'eps_types'] as const;

/** Options of {@link GeneratorModel.load}. */
export interface GeneratorModelOptions {
  /** 'auto' (default): CUDA when a GPU and the CUDA provider are present, else CPU. */
  readonly executionProviders?: ExecutionProviderChoice;
  /** ONNX Runtime intra-op threads (default: ONNX Runtime's choice, one per core). */
  readonly intraOpThreads?: number;
  /** Check the file against the card's sha256 when the card has one (default true). */
  readonly verifySha256?: boolean;
  /** Where fallbacks and warnings go (default: stderr). */
  readonly log?: (message: string) => void;
}

/** One batch for {@link GeneratorModel.denoise}: B structures padded to N atoms, T type channels. */
export interface DenoiserInputs {
  readonly batch: number;
  readonly atoms: number;
  /** [B, N, T] one-hot or noisy one-hot; 0 at padding. */
  readonly atomTypes: Float32Array;
  /** [B, N, 3] in [0, 1); 0 at padding. */
  readonly fracCoords: Float32Array;
  /** [B, 3, 3] normalised lattice, rows are vectors. */
  readonly lattice: Float32Array;
  /** [B, N] 1 for real atoms, 0 for padding. */
  readonly mask: Float32Array;
  /** [B] s / num_steps. */
  readonly t: Float32Array;
}

/** The network's outputs for one batch. */
export interface DenoiserOutputs {
  /** [B, 3, 3] predicted noise of the normalised-lattice DDPM. */
  readonly epsLattice: Float32Array;
  /** [B, N, 3] wrapped-normal score divided by sqrt(normaliser[s]). */
  readonly scoreFrac: Float32Array;
  /** [B, N, T] predicted noise of the type DDPM. */
  readonly epsTypes: Float32Array;
}

const verifiedHashes = new Map<string, string>(); // "path|mtime|size" -> sha256

export class GeneratorModel {
  readonly #pooled: PooledSession;
  readonly #sessionKey: string;
  #disposed = false;

  private constructor(
    /** Absolute path of the .onnx file. */
    readonly path: string,
    /** The card, or a minimal one (name from the file) when the model has none. */
    readonly card: GeneratorCard | undefined,
    /** The validated schedule. */
    readonly schedule: GeneratorSchedule,
    pooled: PooledSession,
    sessionKey: string,
  ) {
    this.#pooled = pooled;
    this.#sessionKey = sessionKey;
  }

  /** Model name: the card's, else the file's base name. */
  get name(): string {
    return this.card?.name ?? basename(this.path).replace(/\.onnx$/i, '');
  }

  /** Number of type channels T (the element vocabulary). */
  get nTypes(): number {
    return this.schedule.elements.length;
  }

  /** The execution provider in use, and why the CPU when CUDA was considered. */
  get device(): { readonly executionProvider: 'cpu' | 'cuda'; readonly fallbackReason?: string } {
    const { executionProvider, fallbackReason } = this.#pooled;
    return fallbackReason ? { executionProvider, fallbackReason } : { executionProvider };
  }

  /**
   * Loads `onnxPath`, its schedule (the card's `schedule`, else `<name>.schedule.json`) and its
   * card when present; checks the sha256 and the graph's inputs and outputs.
   * Throws {@link GeneratorModelNotFoundError} for a missing file, {@link GeneratorModelError}
   * for a bad card, schedule or graph.
   */
  static async load(onnxPath: string, options: GeneratorModelOptions = {}): Promise<GeneratorModel> {
    const path = resolve(onnxPath);
    const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      throw new GeneratorModelNotFoundError(
        `generator model ${path} cannot be read (${(err as Error).message}); ${HOW_TO_GET_GENERATOR}`,
        path,
        { cause: err },
      );
    }
    const cardPath = generatorCardPath(path);
    const card = existsSync(cardPath) ? await readGeneratorCard(cardPath) : undefined;
    const schedulePath = card?.schedule
      ? join(dirname(cardPath), card.schedule)
      : path.replace(/\.onnx$/i, '') + '.schedule.json';
    const schedule = await readSchedule(schedulePath);

    if (card?.sha256 && (options.verifySha256 ?? true)) {
      const stamp = `${path}|${info.mtimeMs}|${info.size}`;
      let sha = verifiedHashes.get(stamp);
      if (!sha) {
        sha = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
        verifiedHashes.set(stamp, sha);
      }
      if (sha !== card.sha256) {
        throw new GeneratorModelError(
          `generator ${path} has sha256 ${sha} but its card says ${card.sha256}: the file and its card do not belong together (re-export both)`,
          path,
          ['sha256'],
        );
      }
    }

    const { key, promise } = acquireSession(path, {
      executionProviders: options.executionProviders ?? 'auto',
      ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}),
      log,
    });
    let pooled: PooledSession;
    try {
      pooled = await promise;
    } catch (err) {
      await releaseSession(key);
      throw new GeneratorModelError(
        `generator ${path} cannot be loaded by ONNX Runtime: ${(err as Error).message}`,
        path,
        [],
        {
          cause: err,
        },
      );
    }
    const missingIn = GENERATOR_INPUTS.filter((n) => !pooled.session.inputNames.includes(n));
    const missingOut = GENERATOR_OUTPUTS.filter((n) => !pooled.session.outputNames.includes(n));
    if (missingIn.length || missingOut.length) {
      await releaseSession(key);
      throw new GeneratorModelError(
        `generator ${path} does not follow the matdisc-generator-v1 contract: ` +
          [
            missingIn.length ? `missing inputs ${missingIn.join(', ')}` : '',
            missingOut.length ? `missing outputs ${missingOut.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; '),
        path,
      );
    }
    return new GeneratorModel(path, card, schedule, pooled, key);
  }

  /** One network evaluation for a padded batch. Throws {@link DenoiserContractError} on bad shapes. */
  async denoise(x: DenoiserInputs): Promise<DenoiserOutputs> {
    if (this.#disposed) throw new Error(`generator ${this.name} was disposed`);
    const { batch: b, atoms: n } = x;
    const t = this.nTypes;
    const feeds: Record<string, ort.Tensor> = {
      atom_types: new ort.Tensor('float32', x.atomTypes, [b, n, t]),
      frac_coords: new ort.Tensor('float32', x.fracCoords, [b, n, 3]),
      lattice: new ort.Tensor('float32', x.lattice, [b, 3, 3]),
      mask: new ort.Tensor('float32', x.mask, [b, n]),
      t: new ort.Tensor('float32', x.t, [b]),
    };
    const out = await this.#pooled.session.run(feeds);
    const take = (name: string, size: number): Float32Array => {
      const tensor = out[name];
      if (!tensor || tensor.type !== 'float32' || tensor.data.length !== size) {
        throw new DenoiserContractError(
          `generator ${this.name}: output ${name} should be float32 with ${size} entries, ` +
            `got ${tensor ? `${tensor.type} [${tensor.dims.join(', ')}]` : 'nothing'}`,
        );
      }
      return tensor.data as Float32Array;
    };
    return {
      epsLattice: take('eps_lattice', b * 9),
      scoreFrac: take('score_frac', b * n * 3),
      epsTypes: take('eps_types', b * n * t),
    };
  }

  /** Releases this handle's reference to the pooled session. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await releaseSession(this.#sessionKey);
  }
}
