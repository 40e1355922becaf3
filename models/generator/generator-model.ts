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
 * Loading is shared with the potential runtime (`models/onnx/`): the same sha256 check, the
 * same CUDA-when-present, CPU-otherwise choice, shared sessions per (file, provider, threads).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelSession, type ModelSessionOptions, type SessionDevice } from '../onnx/model-session.js';
import { statModelFile, verifySha256 } from '../onnx/onnx-file.js';
import { DenoiserContractError, GeneratorModelError, GeneratorModelNotFoundError } from './errors.js';
import { generatorCardPath, readGeneratorCard, type GeneratorCard } from './model-card.js';
import { HOW_TO_GET_GENERATOR } from './model-registry.js';
import { readSchedule, type GeneratorSchedule } from './schedule.js';

/** Inputs and outputs of the generator contract (`matdisc-generator-v1`). */
export const GENERATOR_INPUTS = ['atom_types', 'frac_coords', 'lattice', 'mask', 't'] as const;
export const GENERATOR_OUTPUTS = ['eps_lattice', 'score_frac', 'eps_types'] as const;

/** Options of {@link GeneratorModel.load}. */
export interface GeneratorModelOptions extends ModelSessionOptions {
  /** Check the file against the card's sha256 when the card has one (default true). */
  readonly verifySha256?: boolean;
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

export class GeneratorModel {
  readonly #onnx: ModelSession;

  private constructor(
    /** Absolute path of the .onnx file. */
    readonly path: string,
    /** The card, or a minimal one (name from the file) when the model has none. */
    readonly card: GeneratorCard | undefined,
    /** The validated schedule. */
    readonly schedule: GeneratorSchedule,
    onnx: ModelSession,
  ) {
    this.#onnx = onnx;
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
  get device(): SessionDevice {
    return this.#onnx.device;
  }

  /**
   * Loads `onnxPath`, its schedule (the card's `schedule`, else `<name>.schedule.json`) and its
   * card when present; checks the sha256 and the graph's inputs and outputs.
   * Throws {@link GeneratorModelNotFoundError} for a missing file, {@link GeneratorModelError}
   * for a bad card, schedule or graph.
   */
  static async load(onnxPath: string, options: GeneratorModelOptions = {}): Promise<GeneratorModel> {
    const path = resolve(onnxPath);
    const info = await statModelFile(
      path,
      (err) =>
        new GeneratorModelNotFoundError(
          `generator model ${path} cannot be read (${err.message}); ${HOW_TO_GET_GENERATOR}`,
          path,
          { cause: err },
        ),
    );
    const cardPath = generatorCardPath(path);
    const card = existsSync(cardPath) ? await readGeneratorCard(cardPath) : undefined;
    const schedulePath = card?.schedule
      ? join(dirname(cardPath), card.schedule)
      : path.replace(/\.onnx$/i, '') + '.schedule.json';
    const schedule = await readSchedule(schedulePath);

    const expectedSha = card?.sha256;
    if (expectedSha && (options.verifySha256 ?? true)) {
      await verifySha256(
        path,
        info,
        expectedSha,
        (sha) =>
          new GeneratorModelError(
            `generator ${path} has sha256 ${sha} but its card says ${expectedSha}: the file and its card do not belong together (re-export both)`,
            path,
            ['sha256'],
          ),
      );
    }

    const onnx = await ModelSession.open(path, options, {
      inputs: GENERATOR_INPUTS,
      outputs: GENERATOR_OUTPUTS,
      openFailed: (err) =>
        new GeneratorModelError(
          `generator ${path} cannot be loaded by ONNX Runtime: ${err.message}`,
          path,
          [],
          {
            cause: err,
          },
        ),
      contractBroken: (m) =>
        new GeneratorModelError(
          `generator ${path} does not follow the matdisc-generator-v1 contract: ` +
            [
              m.missingInputs.length ? `missing inputs ${m.missingInputs.join(', ')}` : '',
              m.missingOutputs.length ? `missing outputs ${m.missingOutputs.join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('; '),
          path,
        ),
    });
    return new GeneratorModel(path, card, schedule, onnx);
  }

  /** One network evaluation for a padded batch. Throws {@link DenoiserContractError} on bad shapes. */
  async denoise(x: DenoiserInputs): Promise<DenoiserOutputs> {
    if (this.#onnx.released) throw new Error(`generator ${this.name} was disposed`);
    const { batch: b, atoms: n } = x;
    const t = this.nTypes;
    const feeds: Record<string, ort.Tensor> = {
      atom_types: new ort.Tensor('float32', x.atomTypes, [b, n, t]),
      frac_coords: new ort.Tensor('float32', x.fracCoords, [b, n, 3]),
      lattice: new ort.Tensor('float32', x.lattice, [b, 3, 3]),
      mask: new ort.Tensor('float32', x.mask, [b, n]),
      t: new ort.Tensor('float32', x.t, [b]),
    };
    const out = await this.#onnx.session.run(feeds);
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
    await this.#onnx.release();
  }
}
