/**
 * `MlipModel`: an ONNX potential (one network or a committee) behind the matdisc contract.
 *
 * ```ts
 * const model = await MlipModel.load('models/mlip/committee-v1.onnx');
 * const [p] = await model.predict([structure]);
 * p.energyEv; p.forcesEvPerA; p.stressEvPerA3; p.uncertainty.maxForceDevEvPerA;
 * await model.dispose();
 * ```
 */
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { assertValidStructure, COMPUTABLE_LIMITS } from '../../crystal/assert-valid-structure.js';
import { Element } from '../../crystal/elements.js';
import type { Structure } from '../../crystal/structure.js';
import { ModelSession, type ModelSessionOptions, type SessionDevice } from '../onnx/model-session.js';
import { cardPathFor, statModelFile, verifySha256 } from '../onnx/onnx-file.js';
import { assemblePredictions, type RawOutputs } from './assemble.js';
import { buildBatchGraph, type BatchGraph } from './batch-graph.js';
import { ContractError, ModelLoadError, UnsupportedElementError } from './errors.js';
import { readModelCard, type ModelCard } from './model-card.js';
import { PotentialProperty, type Prediction } from './prediction.js';

/** Inputs and outputs every matdisc potential has (DESIGN.md, "Contracts"). */
export const CONTRACT_INPUTS = ['species', 'edge_index', 'edge_vec', 'batch', 'n_structures'] as const;
export const CONTRACT_OUTPUTS = ['energy', 'edge_grad'] as const;

/** Options of {@link MlipModel.load}. */
export interface MlipModelOptions extends ModelSessionOptions {
  /** Check the file against the card's sha256 (default true). */
  readonly verifySha256?: boolean;
  /**
   * Upper bound on edges per ONNX call; larger batches are split, a larger single structure runs
   * alone. Default {@link DEFAULT_MAX_EDGES_PER_CALL}.
   */
  readonly maxEdgesPerCall?: number;
}

/**
 * Edges per ONNX call by default: about 65 atoms at a 5 Å cutoff. The exported graphs sum messages
 * with a one-hot matmul (deterministic under any thread count, models/training/…/deterministic_scatter.py)
 * whose cost grows with atoms × edges of a call, and every intermediate of a call is held at once
 * (one call on 800 atoms peaked at 5.7 GB): small calls keep both bounded. Measured with
 * bench/mlip-memory.ts on 100 MP-20 cells (1,022 atoms), peak RSS and time of `predict`:
 * sevennet-0 1,299 MB / 13.7 s at 5,000 edges, 849 MB / 12.6 s at 3,000, 673 MB / 13.9 s at 2,000;
 * universal-committee 1,333 MB / 14.3 s at 5,000, 744 MB / 12.8 s at 3,000. 3,000 keeps the peak
 * under 1 GB per 1,000 atoms in a batch at no cost in speed.
 */
export const DEFAULT_MAX_EDGES_PER_CALL = 3000;

export class MlipModel {
  readonly #onnx: ModelSession;
  readonly #maxEdges: number;
  readonly #supported: ReadonlySet<string>;

  private constructor(
    /** Absolute path of the .onnx file. */
    readonly path: string,
    /** The validated model card. */
    readonly card: ModelCard,
    onnx: ModelSession,
    maxEdges: number,
  ) {
    this.#onnx = onnx;
    this.#maxEdges = maxEdges;
    this.#supported = new Set(card.elements);
    const props: PotentialProperty[] = ['energy', 'forces', 'stress'];
    if (card.members > 1) props.push('uncertainty');
    if (onnx.session.outputNames.includes('embedding')) props.push('embedding');
    this.implementedProperties = Object.freeze(props);
  }

  /** Properties this model's predictions carry (STYLE.md D4). */
  readonly implementedProperties: readonly PotentialProperty[];

  /** Model name, from the card. */
  get name(): string {
    return this.card.name;
  }

  /** Neighbour-list cutoff, Å. */
  get cutoff(): number {
    return this.card.cutoff_a;
  }

  /** Committee size. */
  get members(): number {
    return this.card.members;
  }

  /** The execution provider in use, and why the CPU when CUDA was considered. */
  get device(): SessionDevice {
    return this.#onnx.device;
  }

  /**
   * Loads `onnxPath` and its card (`<name>.card.json` beside it), checks the sha256 and the
   * graph's inputs and outputs, and gets a pooled ONNX Runtime session.
   * Throws {@link ModelLoadError} (or its subclass `ModelCardError`) naming what is wrong.
   */
  static async load(onnxPath: string, options: MlipModelOptions = {}): Promise<MlipModel> {
    const path = resolve(onnxPath);
    const info = await statModelFile(
      path,
      (err) => new ModelLoadError(`potential ${path} cannot be read: ${err.message}`, path, { cause: err }),
    );
    const card = await readModelCard(cardPathFor(path));
    if (options.verifySha256 ?? true) {
      await verifySha256(
        path,
        info,
        card.sha256,
        (sha) =>
          new ModelLoadError(
            `potential ${path} has sha256 ${sha} but its card says ${card.sha256}: the file and its card do not belong together`,
            path,
          ),
      );
    }
    const onnx = await ModelSession.open(path, options, {
      inputs: CONTRACT_INPUTS,
      outputs: CONTRACT_OUTPUTS,
      openFailed: (err) =>
        new ModelLoadError(`potential ${path} could not be opened by ONNX Runtime: ${err.message}`, path, {
          cause: err,
        }),
      contractBroken: (m) =>
        new ModelLoadError(
          `potential ${path} does not follow the ${card.format} contract: ` +
            `missing inputs [${m.missingInputs.join(', ')}], missing outputs [${m.missingOutputs.join(', ')}] ` +
            `(has inputs [${m.inputNames.join(', ')}], outputs [${m.outputNames.join(', ')}])`,
          path,
        ),
    });
    return new MlipModel(path, card, onnx, options.maxEdgesPerCall ?? DEFAULT_MAX_EDGES_PER_CALL);
  }

  /**
   * Energy, forces, stress and committee spread of every structure, in as few ONNX calls as
   * the edge budget allows (usually one). Results are in input order.
   *
   * Throws `InvalidStructureError` (crystal/) for a structure no potential can evaluate: a
   * non-finite number, a flat cell, atoms within 0.1 Å ({@link COMPUTABLE_LIMITS}). This is the last
   * guard for library callers: such a cell would make the neighbour list refuse or the forces NaN.
   */
  async predict(structures: readonly Structure[]): Promise<Prediction[]> {
    if (this.#onnx.released) throw new Error(`model ${this.name} has been disposed`);
    if (structures.length === 0) return [];
    structures.forEach((s, index) =>
      assertValidStructure(s, { limits: COMPUTABLE_LIMITS, source: `model ${this.name} input`, index }),
    );
    const zOf = (symbol: string, index: number): number => {
      if (!this.#supported.has(symbol)) throw new UnsupportedElementError(symbol, this.name, index);
      return Element.bySymbol(symbol).z;
    };
    const results: Prediction[] = [];
    let chunk: Structure[] = [];
    let chunkStart = 0;
    let edgeEstimate = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const start = chunkStart;
      const graph = buildBatchGraph(chunk, this.cutoff, (s, i) => zOf(s, start + i));
      results.push(...(await this.#run(graph)));
      chunkStart += chunk.length;
      chunk = [];
      edgeEstimate = 0;
    };
    for (const s of structures) {
      // Rough edge count: atoms × neighbours in a sphere at ~12 Å³ per atom.
      const estimate = s.species.length * Math.ceil((4.19 * this.cutoff ** 3) / 12);
      if (chunk.length > 0 && edgeEstimate + estimate > this.#maxEdges) await flush();
      chunk.push(s);
      edgeEstimate += estimate;
    }
    await flush();
    return results;
  }

  /** Releases this handle's share of the pooled session. */
  async dispose(): Promise<void> {
    await this.#onnx.release();
  }

  async #run(graph: BatchGraph): Promise<Prediction[]> {
    const nA = graph.species.length;
    // ONNX Runtime cannot run these graphs with zero edges (atoms with no neighbour within the
    // cutoff): feed one self-edge longer than the cutoff, which adds exactly zero, and ignore it.
    const padded = graph.src.length === 0;
    const nE = padded ? 1 : graph.src.length;
    const edgeIndex = padded ? new BigInt64Array(2) : graph.edgeIndex;
    const edgeVec = padded ? Float32Array.of(2 * this.cutoff, 0, 0) : graph.edgeVec;
    const session = this.#onnx.session;
    const feeds: Record<string, ort.Tensor> = {
      species: new ort.Tensor('int64', graph.species, [nA]),
      edge_index: new ort.Tensor('int64', edgeIndex, [2, nE]),
      edge_vec: new ort.Tensor('float32', edgeVec, [nE, 3]),
      batch: new ort.Tensor('int64', graph.batch, [nA]),
      n_structures: new ort.Tensor('int64', BigInt64Array.of(BigInt(graph.nStructures)), []),
    };
    const wantEmbedding = session.outputNames.includes('embedding');
    const out = await session.run(
      feeds,
      wantEmbedding ? ['energy', 'edge_grad', 'embedding'] : ['energy', 'edge_grad'],
    );
    const energy = out.energy!;
    const grad = out.edge_grad!;
    const M = this.members;
    const S = graph.nStructures;
    if (energy.dims.length !== 2 || energy.dims[0] !== M || energy.dims[1] !== S) {
      throw new ContractError(
        `model ${this.name}: output energy has shape [${energy.dims.join(', ')}], expected [members=${M}, structures=${S}] (card says members=${M})`,
      );
    }
    if (grad.dims.length !== 3 || grad.dims[0] !== M || grad.dims[1] !== nE || grad.dims[2] !== 3) {
      throw new ContractError(
        `model ${this.name}: output edge_grad has shape [${grad.dims.join(', ')}], expected [${M}, ${nE}, 3]`,
      );
    }
    const raw: RawOutputs = {
      members: M,
      energy: floatData(energy, 'energy'),
      edgeGrad: floatData(grad, 'edge_grad'),
      ...(wantEmbedding && out.embedding
        ? {
            embedding: {
              data: floatData(out.embedding, 'embedding'),
              dim: Number(out.embedding.dims[1] ?? 0),
            },
          }
        : {}),
    };
    const predictions = assemblePredictions(graph, raw);
    for (const t of Object.values(out)) t.dispose();
    return predictions;
  }
}

function floatData(t: ort.Tensor, name: string): Float32Array | Float64Array {
  if (t.data instanceof Float32Array || t.data instanceof Float64Array) return t.data;
  throw new ContractError(`output ${name} has type ${t.type}: the contract says float32`);
}
