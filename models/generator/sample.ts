/**
 * The predictor-corrector sampler of DiffCSP (Jiao et al., "Crystal Structure Prediction by
 * Joint Equivariant Diffusion", NeurIPS 2023, arXiv:2309.04475, Algorithms 1-2; the reference is
 * `diffusion_w_type.py::sample` of github.com/jiaor17/DiffCSP), run on an ONNX denoiser.
 *
 * Per step s -> s' (s' = s - 1 for the full schedule; see `timesteps.ts` for respacing):
 *
 * 1. corrector, `correctorSteps` times (Langevin on the coordinates only):
 *    score = score_frac · sqrt(normaliser[s]); γ = step_lr · (σ_s / σ_1)²;
 *    F ← (F + γ·score + sqrt(2γ)·z) mod 1
 * 2. predictor (one more network call at the same t = s / num_steps):
 *    F ← (F + (σ_s² − σ_s'²)·score + sqrt(σ_s'² (σ_s² − σ_s'²) / σ_s²)·z) mod 1  (reverse SDE on the torus)
 *    L ← (L − β_s / sqrt(1 − ᾱ_s)·ε_L) / sqrt(α_s) + σ̃_s·z                         (reverse DDPM)
 *    A ← (A − β_s / sqrt(1 − ᾱ_s)·ε_A) / sqrt(α_s) + σ̃_s·z                         (de-novo only)
 *
 * with fresh standard normals z, and z = 0 on the last step. L is the normalised lattice
 * (L_Å / (scale_a · n^⅓)), A the noisy one-hot types. In CSP mode A is the exact one-hot at every
 * step and ε_A is ignored (the network was trained with half its structures so).
 *
 * Type masking (chemical-system conditioning): a channel outside the allowed elements is known to
 * be 0 in the clean data, so after every predictor step it is replaced by a draw from the forward
 * process at the new level, sqrt(1 − ᾱ_s')·z (the known-part replacement of RePaint, Lugmayr et
 * al., CVPR 2022), and 0 after the last step; the final type of each atom is the argmax over the
 * allowed channels only. Every output therefore uses only allowed elements, and the network sees
 * inputs distributed as in training.
 *
 * Option `clipTypes` (off by default; DiffCSP does not clip) replaces the type update by the DDPM
 * posterior mean of the clean-type estimate clipped to [0, one_hot_scale] (see {@link SamplerOptions}).
 *
 * Batching: samples are sorted by number of atoms (stable) and cut into batches of `batchSize`,
 * each padded to its largest cell with mask 0 (padding inputs are 0, outputs there ignored), one
 * network call per corrector or predictor step for the whole batch.
 *
 * Determinism: sample i draws all its noise from `new Prng(seed, 2i)` in a fixed order, and the
 * state is kept in float64, so the same seed, plans, options and thread count give bit-identical
 * structures. ONNX Runtime's CPU kernels are deterministic for a fixed thread count; a different
 * batch composition can change the float32 network outputs in the last bits.
 */
import type { Mat3, Vec3 } from '../../crystal/lattice.js';
import type { SamplePlan } from './conditioning.js';
import type { DenoiserInputs, GeneratorModel } from './generator-model.js';
import { Prng } from './prng.js';
import { pcSteps, type PcStep } from './timesteps.js';

/** Options of {@link sampleSteps}. */
export interface SamplerOptions {
  /** Seed of every random draw (default 0). */
  readonly seed?: number;
  /** Structures per network call (default 32; samples are sorted by size first, so smaller batches pad less). */
  readonly batchSize?: number;
  /**
   * Evaluated steps; default the schedule's num_steps (the full schedule). Fewer respaces the
   * schedule (`timesteps.ts`); `schedule.defaultSteps` is the count measured to keep the model's
   * quality (models/generator/README.md, "Steps vs quality").
   */
  readonly steps?: number;
  /** Langevin step size; default the schedule's `step_lr.gen` or `step_lr.csp` by mode. */
  readonly stepLr?: number;
  /** Corrector steps per step; default the schedule's `corrector_steps` (1). */
  readonly correctorSteps?: number;
  /**
   * Clip the clean types the network's ε implies, x0 = (A − sqrt(1 − ᾱ_s)·ε_A) / sqrt(ᾱ_s), to the
   * one-hot range [0, one_hot_scale] and step from the posterior mean of the clipped x0 (the
   * `clip_denoised` of Ho et al.'s DDPM code). Off by default (DiffCSP does not clip). The first
   * step (β_T clipped at 0.9999, so 1/sqrt(α_T) = 100) multiplies any error of ε_A by 100, which
   * an under-trained network turns into exploding types and lattices; clipping contains that.
   */
  readonly clipTypes?: boolean;
}

/** A sample straight out of the sampler (not yet checked or reduced). */
export interface RawSample {
  readonly plan: SamplePlan;
  /** Lattice, Å, rows are vectors. */
  readonly lattice: Mat3;
  /** Fractional coordinates in [0, 1). */
  readonly fracCoords: readonly Vec3[];
  readonly species: readonly string[];
}

/** Yielded after every predictor-corrector step (STYLE.md W4: the caller may heartbeat). */
export interface SamplerProgress {
  /** Batch being run (0-based) and number of batches. */
  readonly batch: number;
  readonly batches: number;
  /** Steps done in this batch, of `steps`. */
  readonly step: number;
  readonly steps: number;
  /** Samples finished so far (all batches). */
  readonly samplesDone: number;
}

/**
 * Runs the sampler over `plans`, yielding progress after each step and returning the raw
 * samples in plan order.
 */
export async function* sampleSteps(
  model: GeneratorModel,
  plans: readonly SamplePlan[],
  options: SamplerOptions = {},
): AsyncGenerator<SamplerProgress, RawSample[]> {
  const seed = options.seed ?? 0;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const steps = pcSteps(model.schedule, options.steps ?? model.schedule.numSteps);
  const order = plans.map((_, k) => k).sort((a, b) => plans[a]!.natoms - plans[b]!.natoms || a - b);
  const batches: number[][] = [];
  for (let k = 0; k < order.length; k += batchSize) batches.push(order.slice(k, k + batchSize));
  const out = new Array<RawSample>(plans.length);
  let done = 0;
  for (let bi = 0; bi < batches.length; bi++) {
    const members = batches[bi]!.map((k) => plans[k]!);
    const run = new BatchRun(model, members, seed, options);
    for (let k = 0; k < steps.length; k++) {
      await run.step(steps[k]!);
      yield { batch: bi, batches: batches.length, step: k + 1, steps: steps.length, samplesDone: done };
    }
    run.decode().forEach((r, j) => (out[batches[bi]![j]!] = r));
    done += members.length;
  }
  return out;
}

/** Drains {@link sampleSteps}; `onProgress` sees every step. */
export async function sample(
  model: GeneratorModel,
  plans: readonly SamplePlan[],
  options: SamplerOptions = {},
  onProgress?: (p: SamplerProgress) => void,
): Promise<RawSample[]> {
  const it = sampleSteps(model, plans, options);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    onProgress?.(r.value);
  }
}

const wrap = (x: number) => x - Math.floor(x);

/** State of one padded batch: B structures, N atoms each, T type channels, float64. */
class BatchRun {
  readonly #model: GeneratorModel;
  readonly #plans: readonly SamplePlan[];
  readonly #rngs: Prng[];
  readonly #b: number;
  readonly #n: number;
  readonly #t: number;
  readonly #stepLr: readonly number[];
  readonly #corrector: number;
  readonly #clipTypes: boolean;
  readonly #lat: Float64Array; // [B, 9] normalised lattice
  readonly #frac: Float64Array; // [B, N, 3]
  readonly #types: Float64Array; // [B, N, T]
  /** [B, T] 1 where the channel is allowed (gen). */
  readonly #allowed: Uint8Array;
  readonly #inputs: DenoiserInputs;

  constructor(model: GeneratorModel, plans: readonly SamplePlan[], seed: number, options: SamplerOptions) {
    this.#model = model;
    this.#plans = plans;
    const sched = model.schedule;
    const b = (this.#b = plans.length);
    const n = (this.#n = Math.max(...plans.map((p) => p.natoms)));
    const t = (this.#t = model.nTypes);
    this.#stepLr = plans.map(
      (p) => options.stepLr ?? (p.mode === 'csp' ? sched.stepLr.csp : sched.stepLr.gen),
    );
    this.#corrector = options.correctorSteps ?? sched.correctorSteps;
    this.#clipTypes = options.clipTypes ?? false;
    this.#rngs = plans.map((p) => new Prng(seed, 2 * p.index));
    this.#lat = new Float64Array(b * 9);
    this.#frac = new Float64Array(b * n * 3);
    this.#types = new Float64Array(b * n * t);
    this.#allowed = new Uint8Array(b * t);
    this.#inputs = {
      batch: b,
      atoms: n,
      atomTypes: new Float32Array(b * n * t),
      fracCoords: new Float32Array(b * n * 3),
      lattice: new Float32Array(b * 9),
      mask: new Float32Array(b * n),
      t: new Float32Array(b),
    };
    const scale = sched.types.oneHotScale;
    for (let i = 0; i < b; i++) {
      const p = plans[i]!;
      const rng = this.#rngs[i]!;
      for (const k of p.allowedTypes) this.#allowed[i * t + k] = 1;
      for (let a = 0; a < p.natoms; a++) this.#inputs.mask[i * n + a] = 1;
      // Initial draws, in this order: lattice (9 normals), coordinates (3n uniforms), types (nT normals, gen).
      for (let k = 0; k < 9; k++) this.#lat[i * 9 + k] = rng.normal();
      for (let k = 0; k < p.natoms * 3; k++) this.#frac[i * n * 3 + k] = rng.uniform();
      if (p.mode === 'gen') {
        for (let k = 0; k < p.natoms * t; k++) this.#types[i * n * t + k] = rng.normal();
      } else {
        for (let a = 0; a < p.natoms; a++) this.#types[(i * n + a) * t + p.fixedTypes![a]!] = scale;
      }
    }
  }

  /** One predictor-corrector step (corrector calls, then one predictor call). */
  async step(st: PcStep): Promise<void> {
    const [b, n] = [this.#b, this.#n];
    for (let c = 0; c < this.#corrector; c++) {
      const out = await this.#call(st);
      for (let i = 0; i < b; i++) {
        const rng = this.#rngs[i]!;
        const gamma = this.#stepLr[i]! * (st.sigma / this.#model.schedule.coords.sigmaBegin) ** 2;
        const noise = st.last ? 0 : Math.sqrt(2 * gamma);
        const m = this.#plans[i]!.natoms * 3;
        for (let k = 0; k < m; k++) {
          const at = i * n * 3 + k;
          const z = st.last ? 0 : rng.normal();
          this.#frac[at] = wrap(this.#frac[at]! + gamma * st.scoreScale * out.scoreFrac[at]! + noise * z);
        }
      }
    }
    const out = await this.#call(st);
    const dSigma2 = st.sigma * st.sigma - st.sigmaNext * st.sigmaNext;
    const fracNoise = st.last
      ? 0
      : Math.sqrt((st.sigmaNext * st.sigmaNext * dSigma2) / (st.sigma * st.sigma));
    const t = this.#t;
    for (let i = 0; i < b; i++) {
      const rng = this.#rngs[i]!;
      const p = this.#plans[i]!;
      // Predictor draws, in this order: coordinates (3n), lattice (9), types (nT, gen); none on the last step.
      const m = p.natoms * 3;
      for (let k = 0; k < m; k++) {
        const at = i * n * 3 + k;
        const z = st.last ? 0 : rng.normal();
        this.#frac[at] = wrap(this.#frac[at]! + dSigma2 * st.scoreScale * out.scoreFrac[at]! + fracNoise * z);
      }
      const L = st.lattice;
      for (let k = 0; k < 9; k++) {
        const at = i * 9 + k;
        const z = st.last ? 0 : rng.normal();
        this.#lat[at] = L.c0 * (this.#lat[at]! - L.c1 * out.epsLattice[at]!) + L.sigma * z;
      }
      if (p.mode !== 'gen') continue;
      const T = st.types;
      const hi = this.#model.schedule.types.oneHotScale;
      for (let a = 0; a < p.natoms; a++) {
        for (let k = 0; k < t; k++) {
          const at = (i * n + a) * t + k;
          const z = st.last ? 0 : rng.normal();
          if (!this.#allowed[i * t + k]) {
            this.#types[at] = T.noiseLevelNext * z; // known-zero channel, re-noised to level s'
          } else if (this.#clipTypes) {
            const x = this.#types[at]!;
            const x0 = Math.min(hi, Math.max(0, (x - T.sqrtOneMinusAbar * out.epsTypes[at]!) / T.sqrtAbar));
            this.#types[at] = T.coefX0 * x0 + T.coefXt * x + T.sigma * z;
          } else {
            this.#types[at] = T.c0 * (this.#types[at]! - T.c1 * out.epsTypes[at]!) + T.sigma * z;
          }
        }
      }
    }
  }

  /** Fills the float32 inputs from the state and evaluates the network. */
  async #call(st: PcStep) {
    const x = this.#inputs;
    x.t.fill(st.t);
    x.lattice.set(this.#lat);
    x.fracCoords.set(this.#frac);
    x.atomTypes.set(this.#types);
    return this.#model.denoise(x);
  }

  /** Å lattices, wrapped coordinates and species (argmax over allowed channels for gen). */
  decode(): RawSample[] {
    const { scaleA, natomsExponent } = this.#model.schedule.lattice;
    const vocab = this.#model.schedule.elements;
    const [n, t] = [this.#n, this.#t];
    return this.#plans.map((p, i) => {
      const f = scaleA * p.natoms ** natomsExponent;
      const l = this.#lat.subarray(i * 9, i * 9 + 9);
      const lattice: Mat3 = [
        [l[0]! * f, l[1]! * f, l[2]! * f],
        [l[3]! * f, l[4]! * f, l[5]! * f],
        [l[6]! * f, l[7]! * f, l[8]! * f],
      ];
      const fracCoords: Vec3[] = [];
      const species: string[] = [];
      for (let a = 0; a < p.natoms; a++) {
        const at = (i * n + a) * 3;
        fracCoords.push([wrap(this.#frac[at]!), wrap(this.#frac[at + 1]!), wrap(this.#frac[at + 2]!)]);
        let k = p.fixedTypes?.[a];
        if (k === undefined) {
          let best = -Infinity;
          for (const c of p.allowedTypes) {
            const v = this.#types[(i * n + a) * t + c]!;
            if (v > best || k === undefined) [best, k] = [v, c];
          }
        }
        species.push(vocab[k!]!);
      }
      return Object.freeze({ plan: p, lattice, fracCoords, species });
    });
  }
}
