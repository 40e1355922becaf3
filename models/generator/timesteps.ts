/**
 * The step sequence of a sampling run and the coefficients of each step.
 *
 * The default is the full schedule, s = num_steps .. 1, with the schedule's own betas, alphas and
 * posterior sigmas (exactly DiffCSP's sampler). `steps < num_steps` runs a respaced sub-sequence
 * (Nichol & Dhariwal, ICML 2021, arXiv:2102.09672, section 4: "respacing"): K integer steps
 * s_K > … > s_1 spread evenly over num_steps..1, and every DDPM step from s to the next s' uses
 * alpha = alpha_bar[s] / alpha_bar[s'], beta = 1 - alpha and posterior sigma² =
 * beta (1 - alpha_bar[s']) / (1 - alpha_bar[s]); the coordinates step from sigma[s] to sigma[s'].
 * Each respaced chain visits the full schedule's alpha-bar and sigma at its kept steps (tested).
 * For diffcsp-mp20, 100 steps sample as well as 1000 for CSP (models/generator/README.md, "Steps
 * vs quality"); that is the schedule's `sampler.default_steps`, which campaigns run by default.
 */
import type { DdpmSchedule, GeneratorSchedule } from './schedule.js';

/** DDPM coefficients of one reverse step s -> s'. */
export interface DdpmStep {
  /** 1 / sqrt(alpha). */
  readonly c0: number;
  /** beta / sqrt(1 - alpha_bar[s]). */
  readonly c1: number;
  /** Posterior standard deviation (0 for the last step). */
  readonly sigma: number;
  /** sqrt(1 - alpha_bar[s']): the forward-noise level of a clean zero at s' (type masking). */
  readonly noiseLevelNext: number;
  /** x0 = (x - sqrtOneMinusAbar·ε) / sqrtAbar: the clean value the network's ε implies. */
  readonly sqrtAbar: number;
  readonly sqrtOneMinusAbar: number;
  /** Posterior mean from x0 and x: coefX0·x0 + coefXt·x (equal to c0 (x − c1 ε) when x0 is not clipped). */
  readonly coefX0: number;
  readonly coefXt: number;
}

/** Everything one predictor-corrector step needs. */
export interface PcStep {
  /** The schedule index s the network is evaluated at. */
  readonly s: number;
  /** The index s' the step lands on (0 after the last step). */
  readonly next: number;
  /** Network time t = s / num_steps, rounded to float32 as the contract feeds it. */
  readonly t: number;
  /** sigma[s] and sigma[s'] of the coordinate diffusion. */
  readonly sigma: number;
  readonly sigmaNext: number;
  /** sqrt(normaliser[s]): turns the network's score_frac into the score. */
  readonly scoreScale: number;
  readonly lattice: DdpmStep;
  readonly types: DdpmStep;
  /** True for the last step: no fresh noise (DiffCSP: zeros when s = 1). */
  readonly last: boolean;
}

/** The evaluated indices, descending: all of num_steps..1, or `steps` of them evenly spaced. */
export function stepIndices(numSteps: number, steps = numSteps): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > numSteps) {
    throw new RangeError(
      `steps must be an integer from 1 to ${numSteps} (the schedule's num_steps), got ${steps}`,
    );
  }
  if (steps === numSteps) return Array.from({ length: numSteps }, (_, i) => numSteps - i);
  const set = new Set<number>();
  for (let k = 0; k < steps; k++)
    set.add(Math.round(numSteps - (k * (numSteps - 1)) / Math.max(steps - 1, 1)));
  return [...set].sort((a, b) => b - a);
}

function ddpmStep(d: DdpmSchedule, s: number, next: number): DdpmStep {
  const abar = d.alphaBars[s]!;
  const abarNext = d.alphaBars[next]!;
  let alpha: number;
  let beta: number;
  let sigma: number;
  if (next === s - 1) {
    alpha = d.alphas[s]!;
    beta = d.betas[s]!;
    sigma = d.posteriorSigmas[s]!;
  } else {
    alpha = abar / abarNext;
    beta = 1 - alpha;
    sigma = Math.sqrt(Math.max(0, (beta * (1 - abarNext)) / (1 - abar)));
  }
  return {
    c0: 1 / Math.sqrt(alpha),
    c1: beta / Math.sqrt(1 - abar),
    sigma,
    noiseLevelNext: Math.sqrt(Math.max(0, 1 - abarNext)),
    sqrtAbar: Math.sqrt(abar),
    sqrtOneMinusAbar: Math.sqrt(1 - abar),
    coefX0: (Math.sqrt(abarNext) * beta) / (1 - abar),
    coefXt: (Math.sqrt(alpha) * (1 - abarNext)) / (1 - abar),
  };
}

/** The predictor-corrector steps of a run (see the module doc). */
export function pcSteps(schedule: GeneratorSchedule, steps = schedule.numSteps): PcStep[] {
  const idx = stepIndices(schedule.numSteps, steps);
  const f32 = new Float32Array(1);
  return idx.map((s, k) => {
    const next = idx[k + 1] ?? 0;
    f32[0] = s / schedule.numSteps;
    return Object.freeze({
      s,
      next,
      t: f32[0],
      sigma: schedule.coords.sigmas[s]!,
      sigmaNext: schedule.coords.sigmas[next]!,
      scoreScale: Math.sqrt(schedule.coords.normalisers[s]!),
      lattice: ddpmStep(schedule.lattice, s, next),
      types: ddpmStep(schedule.types, s, next),
      last: next === 0,
    });
  });
}
