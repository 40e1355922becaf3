/**
 * `generate`: plan, sample and check in one call: what the CLI, the activity and the evaluation
 * use.
 *
 * ```ts
 * const model = await GeneratorModel.load(resolveGeneratorPath());
 * const result = await generate(model, { kind: 'system', elements: ['Li', 'Si', 'O'] }, 100, { seed: 7 });
 * result.validCount;                  // e.g. 93
 * result.samples[0].structure;        // Niggli-reduced, with Li, Si and O (a drawn, charge-balanced composition)
 * result.invalidCounts;               // { too_close: 5, volume_per_atom: 2 }
 * ```
 */
import type { ValidityOptions } from '../../crystal/validity.js';
import { planSamples, planWarnings, type GenerationRequest, type SamplePlan } from './conditioning.js';
import type { GeneratorModel } from './generator-model.js';
import { finishSample, type GeneratedSample } from './postprocess.js';
import { sample, type SamplerOptions, type SamplerProgress } from './sample.js';
import { stepIndices } from './timesteps.js';

/** Options of {@link generate}: the sampler's, plus the validity thresholds and a progress hook. */
export interface GenerateOptions extends SamplerOptions {
  /** Thresholds of the validity check (default: 0.5 Å minimum distance, 1..300 Å³ per atom). */
  readonly validity?: ValidityOptions;
  readonly onProgress?: (p: SamplerProgress) => void;
}

/** What {@link generate} returns. Every requested sample is in `samples`, valid or not. */
export interface GenerationResult {
  readonly model: string;
  readonly requested: number;
  readonly seed: number;
  /** Network steps run (num_steps unless respaced). */
  readonly steps: number;
  readonly plans: readonly SamplePlan[];
  readonly samples: readonly GeneratedSample[];
  readonly validCount: number;
  /** Invalid samples per reason code (a sample with two reasons counts under both). */
  readonly invalidCounts: Readonly<Record<string, number>>;
  /** Notes for the user from planning, e.g. that no charge-balanced composition exists (distinct). */
  readonly warnings: readonly string[];
  readonly wallS: number;
}

/** Generates `n` structures for `request` (see `conditioning.ts` and `sample.ts`). */
export async function generate(
  model: GeneratorModel,
  request: GenerationRequest,
  n: number,
  options: GenerateOptions = {},
): Promise<GenerationResult> {
  const started = performance.now();
  const seed = options.seed ?? 0;
  const plans = planSamples(request, n, model.schedule, seed, model.name);
  return generateFromPlans(model, plans, options, started);
}

/**
 * Samples and checks prepared plans in one batched run: how several requests (for example one
 * CSP composition per test row) share network calls. Plans need distinct `index` values (each is
 * the sample's random stream).
 */
export async function generateFromPlans(
  model: GeneratorModel,
  plans: readonly SamplePlan[],
  options: GenerateOptions = {},
  started = performance.now(),
): Promise<GenerationResult> {
  if (new Set(plans.map((p) => p.index)).size !== plans.length)
    throw new RangeError('plans must have distinct indices');
  const raw = await sample(model, plans, options, options.onProgress);
  const samples = raw.map((r) => finishSample(r, options.validity));
  const invalidCounts: Record<string, number> = {};
  for (const s of samples)
    for (const r of s.reasons) invalidCounts[r.code] = (invalidCounts[r.code] ?? 0) + 1;
  return Object.freeze({
    model: model.name,
    requested: plans.length,
    seed: options.seed ?? 0,
    steps: stepIndices(model.schedule.numSteps, options.steps ?? model.schedule.numSteps).length,
    plans,
    samples,
    validCount: samples.filter((s) => s.valid).length,
    invalidCounts,
    warnings: planWarnings(plans),
    wallS: (performance.now() - started) / 1000,
  });
}
