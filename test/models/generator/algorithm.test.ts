/**
 * The predictor-corrector arithmetic against an independent transcription of the schedule's
 * `sampler.per_step` text, with a fake denoiser that returns constants and records its inputs. The
 * noise is replayed from the documented per-sample streams (Prng(seed, 2·index): lattice 9, coords
 * 3n uniforms, types nT at start; per step corrector coords 3n, predictor coords 3n, lattice 9,
 * types nT; nothing on the last step), so this also pins the draw order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseSchedule,
  planSamples,
  Prng,
  sample,
  type DenoiserInputs,
  type DenoiserOutputs,
  type GeneratorModel,
  type GeneratorSchedule,
} from '../../../models/generator/index.js';
import { TINY_SCHEDULE } from './fixture.js';

const schedule = parseSchedule(JSON.parse(readFileSync(TINY_SCHEDULE, 'utf8')), TINY_SCHEDULE);
const [EL, SF, EA] = [0.1, -0.2, 0.3].map(Math.fround) as [number, number, number]; // constant float32 network outputs

function fakeModel(sched: GeneratorSchedule, seen: DenoiserInputs[]): GeneratorModel {
  const T = sched.elements.length;
  return {
    name: 'fake',
    schedule: sched,
    nTypes: T,
    async denoise(x: DenoiserInputs): Promise<DenoiserOutputs> {
      seen.push({
        ...x,
        atomTypes: x.atomTypes.slice(),
        fracCoords: x.fracCoords.slice(),
        lattice: x.lattice.slice(),
        mask: x.mask.slice(),
        t: x.t.slice(),
      });
      const perAtom = (k: number, v: number) =>
        Float32Array.from({ length: x.batch * x.atoms * k }, (_, i) => (x.mask[Math.floor(i / k)] ? v : 0));
      return {
        epsLattice: new Float32Array(x.batch * 9).fill(EL),
        scoreFrac: perAtom(3, SF),
        epsTypes: perAtom(T, EA),
      };
    },
  } as unknown as GeneratorModel;
}

/** The schedule text, transcribed for one de-novo sample with `allowed` channels. */
function reference(
  sched: GeneratorSchedule,
  seed: number,
  index: number,
  n: number,
  allowed: Set<number>,
  clipTypes = false,
) {
  const T = sched.elements.length;
  const S = sched.numSteps;
  const rng = new Prng(seed, 2 * index);
  const L = Array.from({ length: 9 }, () => rng.normal());
  const F = Array.from({ length: 3 * n }, () => rng.uniform());
  const A = Array.from({ length: n * T }, () => rng.normal());
  const mod1 = (x: number) => x - Math.floor(x);
  const { sigmas, normalisers, sigmaBegin } = sched.coords;
  const { betas, alphas, alphaBars, posteriorSigmas } = sched.lattice;
  const stepLr = sched.stepLr.gen;
  for (let s = S; s >= 1; s--) {
    const z = () => (s > 1 ? rng.normal() : 0);
    const score = SF * Math.sqrt(normalisers[s]!);
    const gamma = stepLr * (sigmas[s]! / sigmaBegin) ** 2;
    for (let k = 0; k < 3 * n; k++) F[k] = mod1(F[k]! + gamma * score + Math.sqrt(2 * gamma) * z());
    const d2 = sigmas[s]! ** 2 - sigmas[s - 1]! ** 2;
    const std = Math.sqrt((sigmas[s - 1]! ** 2 * d2) / sigmas[s]! ** 2);
    for (let k = 0; k < 3 * n; k++) F[k] = mod1(F[k]! + d2 * score + std * z());
    const c0 = 1 / Math.sqrt(alphas[s]!);
    const c1 = betas[s]! / Math.sqrt(1 - alphaBars[s]!);
    for (let k = 0; k < 9; k++) L[k] = c0 * (L[k]! - c1 * EL) + posteriorSigmas[s]! * z();
    for (let k = 0; k < n * T; k++) {
      const zz = z();
      if (!allowed.has(k % T)) A[k] = Math.sqrt(1 - alphaBars[s - 1]!) * zz;
      else if (!clipTypes) A[k] = c0 * (A[k]! - c1 * EA) + posteriorSigmas[s]! * zz;
      else {
        // DDPM posterior mean from the clipped clean estimate (Ho et al. 2020, eq. 7).
        const x0 = Math.min(
          1,
          Math.max(0, (A[k]! - Math.sqrt(1 - alphaBars[s]!) * EA) / Math.sqrt(alphaBars[s]!)),
        );
        const mean =
          ((Math.sqrt(alphaBars[s - 1]!) * betas[s]!) / (1 - alphaBars[s]!)) * x0 +
          ((Math.sqrt(alphas[s]!) * (1 - alphaBars[s - 1]!)) / (1 - alphaBars[s]!)) * A[k]!;
        A[k] = mean + posteriorSigmas[s]! * zz;
      }
    }
  }
  const f = sched.lattice.scaleA * n ** sched.lattice.natomsExponent;
  const types = Array.from({ length: n }, (_, a) =>
    [...allowed].sort((x, y) => x - y).reduce((best, c) => (A[a * T + c]! > A[a * T + best]! ? c : best)),
  );
  return { lattice: L.map((x) => x * f), frac: F, species: types.map((k) => sched.elements[k]) };
}

describe('predictor-corrector arithmetic (fake denoiser)', () => {
  it('matches the schedule text step for step, including the draw order and type masking', async () => {
    const seen: DenoiserInputs[] = [];
    const model = fakeModel(schedule, seen);
    const plans = planSamples(
      { kind: 'system', elements: ['Li', 'O'], natoms: 3, allowSubsystems: true },
      1,
      schedule,
      5,
    );
    const [got] = await sample(model, [{ ...plans[0]!, natoms: 3 }], { seed: 5 });
    const want = reference(schedule, 5, 0, 3, new Set(plans[0]!.allowedTypes));
    const close = (a: number, b: number) =>
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
    got!.lattice.flat().forEach((x, k) => close(x, want.lattice[k]!));
    got!.fracCoords.flat().forEach((x, k) => close(x, want.frac[k]!));
    expect(got!.species).toEqual(want.species);
    // Two calls per step, t = s / T as float32, s = T .. 1.
    expect(seen).toHaveLength(2 * schedule.numSteps);
    expect(seen[0]!.t[0]).toBe(Math.fround(1));
    expect(seen[1]!.t[0]).toBe(Math.fround(1));
    expect(seen.at(-1)!.t[0]).toBe(Math.fround(1 / schedule.numSteps));
  });

  it('clipTypes: the posterior mean of the clipped clean-type estimate', async () => {
    const model = fakeModel(schedule, []);
    const plans = planSamples(
      { kind: 'system', elements: ['Fe', 'O', 'Li'], natoms: 4, allowSubsystems: true },
      1,
      schedule,
      8,
    );
    const [got] = await sample(model, plans, { seed: 8, clipTypes: true });
    const want = reference(schedule, 8, 0, 4, new Set(plans[0]!.allowedTypes), true);
    expect(got!.species).toEqual(want.species);
    got!.lattice
      .flat()
      .forEach((x, k) =>
        expect(Math.abs(x - want.lattice[k]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(x))),
      );
  });

  it('pads with mask 0 and zero inputs; CSP feeds the exact one-hot every step', async () => {
    const seen: DenoiserInputs[] = [];
    const model = fakeModel(schedule, seen);
    const comp = { Na: 1, Cl: 1 };
    const plans = [
      ...planSamples({ kind: 'composition', composition: comp, natoms: 2 }, 1, schedule, 0),
      { ...planSamples({ kind: 'composition', composition: comp, natoms: 4 }, 1, schedule, 0)[0]!, index: 1 },
    ];
    const out = await sample(model, plans, { seed: 0, steps: 5 });
    expect(out.map((r) => r.species)).toEqual([
      ['Na', 'Cl'],
      ['Na', 'Na', 'Cl', 'Cl'],
    ]);
    const T = schedule.elements.length;
    const na = schedule.elements.indexOf('Na');
    for (const x of seen) {
      expect([...x.mask]).toEqual([1, 1, 0, 0, 1, 1, 1, 1]); // sorted by size: the 2-atom cell first
      for (const k of [2, 3]) {
        expect(x.fracCoords.subarray(k * 3, k * 3 + 3).every((v) => v === 0)).toBe(true);
        expect(x.atomTypes.subarray(k * T, (k + 1) * T).every((v) => v === 0)).toBe(true);
      }
      const row = x.atomTypes.subarray(0, T);
      expect(row[na]).toBe(1);
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
    }
  });
});
