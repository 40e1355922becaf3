/** The sampler's parts without the network: PRNG, step coefficients, conditioning errors, post-processing. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Lattice, type Mat3, type Vec3 } from '../../../crystal/lattice.js';
import {
  ConditionError,
  ElementNotInVocabularyError,
  finishSample,
  GeneratorModel,
  GeneratorModelError,
  GeneratorModelNotFoundError,
  parseChemicalSystem,
  parseCompositionRequest,
  parseSchedule,
  pcSteps,
  planSamples,
  Prng,
  resolveGeneratorPath,
  stepIndices,
  type RawSample,
  type SamplePlan,
} from '../../../models/generator/index.js';
import { TINY_SCHEDULE } from './fixture.js';

const scheduleJson = JSON.parse(readFileSync(TINY_SCHEDULE, 'utf8')) as Record<string, unknown>;
const schedule = parseSchedule(scheduleJson, TINY_SCHEDULE);

describe('Prng', () => {
  it('repeats a stream exactly and separates seeds and streams', () => {
    const draw = (seed: number, stream: number) => {
      const r = new Prng(seed, stream);
      return Array.from({ length: 5 }, () => [r.uniform(), r.normal()]).flat();
    };
    expect(draw(1, 0)).toEqual(draw(1, 0));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
    expect(draw(-1, 0)).not.toEqual(draw(2 ** 32 - 1, 0)); // high bits count
  });

  it('draws uniforms in [0,1) and standard normals (moments over 200k draws)', () => {
    const r = new Prng(7);
    let [m1, m2, m4, umin, umax] = [0, 0, 0, 1, 0];
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      umin = Math.min(umin, u);
      umax = Math.max(umax, u);
      const z = r.normal();
      m1 += z;
      m2 += z * z;
      m4 += z ** 4;
    }
    expect(umin).toBeGreaterThanOrEqual(0);
    expect(umax).toBeLessThan(1);
    expect(Math.abs(m1 / n)).toBeLessThan(0.01);
    expect(Math.abs(m2 / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.1);
  });
});

describe('schedule and steps', () => {
  it('reads the fixture schedule', () => {
    expect(schedule.numSteps).toBe(100);
    expect(schedule.elements).toHaveLength(100);
    expect(schedule.elements[0]).toBe('H');
    expect(schedule.lattice.alphaBars[0]).toBe(1);
    expect(Math.max(...schedule.natoms.overall.keys())).toBe(20);
  });

  it('names the bad field of an invalid schedule', () => {
    const bad = { ...scheduleJson, coords: { ...(scheduleJson.coords as object), sigmas: [0, 1] } };
    expect(() => parseSchedule(bad, 'x.schedule.json')).toThrow(GeneratorModelError);
    expect(() => parseSchedule(bad, 'x.schedule.json')).toThrow(/coords\.sigmas.*101 entries/);
  });

  it('default steps: the file sampler.default_steps (at most num_steps), else the full schedule', () => {
    expect(schedule.defaultSteps).toBe(100); // the fixture names none
    const sampler = scheduleJson.sampler as object;
    expect(
      parseSchedule({ ...scheduleJson, sampler: { ...sampler, default_steps: 25 } }, 'x').defaultSteps,
    ).toBe(25);
    expect(() =>
      parseSchedule({ ...scheduleJson, sampler: { ...sampler, default_steps: 101 } }, 'x'),
    ).toThrow(/sampler\.default_steps.*at most num_steps = 100/);
    // diffcsp-mp20: 100 of 1000 (models/generator/README.md, "Steps vs quality").
    const path = resolveGeneratorPath().replace(/\.onnx$/, '.schedule.json');
    expect(parseSchedule(JSON.parse(readFileSync(path, 'utf8')), path).defaultSteps).toBe(100);
  });

  it('full schedule: s = T..1 with the file coefficients; DiffCSP noise rule (none on the last step)', () => {
    const steps = pcSteps(schedule);
    expect(steps.map((s) => s.s)).toEqual(stepIndices(100));
    expect(steps[0]!.s).toBe(100);
    const s = steps[50]!; // s = 50 -> 49
    const L = schedule.lattice;
    expect(s.next).toBe(s.s - 1);
    expect(s.lattice.c0).toBe(1 / Math.sqrt(L.alphas[s.s]!));
    expect(s.lattice.c1).toBe(L.betas[s.s]! / Math.sqrt(1 - L.alphaBars[s.s]!));
    expect(s.lattice.sigma).toBe(L.posteriorSigmas[s.s]!);
    expect(s.t).toBe(Math.fround(s.s / 100));
    expect(s.scoreScale).toBe(Math.sqrt(schedule.coords.normalisers[s.s]!));
    expect(steps.at(-1)).toMatchObject({ s: 1, next: 0, last: true, sigmaNext: 0 });
    expect(steps.filter((x) => x.last)).toHaveLength(1);
  });

  it('the x0 form of the posterior mean equals the eps form (clipTypes only changes clipped values)', () => {
    for (const st of [...pcSteps(schedule), ...pcSteps(schedule, 7)]) {
      const d = st.types;
      for (const [x, eps] of [
        [0.3, -1.2],
        [2.5, 0.7],
      ] as const) {
        const x0 = (x - d.sqrtOneMinusAbar * eps) / d.sqrtAbar;
        const a = d.c0 * (x - d.c1 * eps);
        const b = d.coefX0 * x0 + d.coefXt * x;
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
      }
    }
  });

  it('respaced steps: the DDPM coefficients of the skipped span', () => {
    const steps = pcSteps(schedule, 10);
    expect(steps.map((s) => s.s)).toEqual([100, 89, 78, 67, 56, 45, 34, 23, 12, 1]);
    const s = steps[1]!; // 89 -> 78
    const ab = schedule.lattice.alphaBars;
    const alpha = ab[89]! / ab[78]!;
    expect(s.lattice.c0).toBeCloseTo(1 / Math.sqrt(alpha), 14);
    expect(s.lattice.sigma).toBeCloseTo(Math.sqrt(((1 - alpha) * (1 - ab[78]!)) / (1 - ab[89]!)), 14);
    expect(s.sigmaNext).toBe(schedule.coords.sigmas[78]);
    // Respacing to every step is the full schedule.
    expect(pcSteps(schedule, 100)).toEqual(pcSteps(schedule));
    expect(() => pcSteps(schedule, 0)).toThrow(RangeError);
  });

  it('respaced chains keep the full schedule at the kept steps (alpha-bar, posterior, coordinate sigmas)', () => {
    for (const k of [1, 2, 7, 10, 25, 50, 99]) {
      const steps = pcSteps(schedule, k);
      // Forward along the kept steps s_1 < ... < s_K, the product of the respaced alphas is alpha_bar[s_j].
      let abar = 1;
      for (const st of [...steps].reverse()) {
        for (const [d, full] of [
          [st.lattice, schedule.lattice],
          [st.types, schedule.types],
        ] as const) {
          const alpha = 1 / d.c0 ** 2;
          expect(d.c1 * Math.sqrt(1 - full.alphaBars[st.s]!)).toBeCloseTo(1 - alpha, 12); // beta = 1 - alpha
          // Posterior variance of the DDPM with these betas: beta (1 - abar_prev) / (1 - abar).
          const abarPrev = full.alphaBars[st.next]!;
          expect(d.sigma ** 2).toBeCloseTo(((1 - alpha) * (1 - abarPrev)) / (1 - full.alphaBars[st.s]!), 12);
        }
        abar *= 1 / st.lattice.c0 ** 2;
        expect(abar / schedule.lattice.alphaBars[st.s]!).toBeCloseTo(1, 9);
        // The coordinate chain visits the full schedule's sigmas: each step starts where the last ended.
        expect(st.sigma).toBe(schedule.coords.sigmas[st.s]);
        expect(st.sigmaNext).toBe(schedule.coords.sigmas[st.next]);
        expect(st.scoreScale).toBe(Math.sqrt(schedule.coords.normalisers[st.s]!));
      }
      expect(steps.map((s) => s.next)).toEqual([...steps.slice(1).map((s) => s.s), 0]);
      expect(steps[0]!.s).toBe(100);
    }
  });
});

describe('conditioning errors', () => {
  it('unknown elements and bad formulas are ConditionErrors naming the input', () => {
    expect(() => parseChemicalSystem('Li-Xx-O')).toThrow(/unknown element "Xx" in chemical system "Li-Xx-O"/);
    expect(() => parseCompositionRequest('Li2Qq')).toThrow(ConditionError);
    expect(() => parseCompositionRequest('Li2Qq')).toThrow(/unknown element "Qq"/);
    expect(() => parseCompositionRequest('Li0.5CoO2')).toThrow(/non-integer/);
    expect(parseChemicalSystem('Li-Si-O')).toEqual(['Li', 'Si', 'O']);
    expect(parseChemicalSystem('LiSiO')).toEqual(['Li', 'Si', 'O']);
  });

  it('an element outside the vocabulary is an ElementNotInVocabularyError', () => {
    const small = parseSchedule(
      { ...scheduleJson, elements: (scheduleJson.elements as string[]).slice(0, 20) },
      's',
    );
    const run = () => planSamples({ kind: 'system', elements: ['Li', 'Fe'] }, 1, small, 0, 'small');
    expect(run).toThrow(ElementNotInVocabularyError);
    expect(run).toThrow(/Fe is not in the element vocabulary of generator model "small"/);
    expect(() =>
      planSamples(
        { kind: 'composition', composition: parseCompositionRequest('Fe2O3') },
        1,
        small,
        0,
        'small',
      ),
    ).toThrow(ElementNotInVocabularyError);
  });

  it('natoms out of range, not a multiple, or a formula unit too large', () => {
    const comp = parseCompositionRequest('Li2SiO3');
    expect(() => planSamples({ kind: 'composition', composition: comp, natoms: 8 }, 1, schedule, 0)).toThrow(
      /not a multiple of the 6 atoms/,
    );
    expect(() => planSamples({ kind: 'system', elements: ['Li'], natoms: 21 }, 1, schedule, 0)).toThrow(
      /1 to 20/,
    );
    expect(() =>
      planSamples(
        { kind: 'composition', composition: parseCompositionRequest('Li7La3Zr2O12') },
        1,
        schedule,
        0,
      ),
    ).toThrow(/24 atoms per formula unit/);
  });

  it('a missing model names the path and how to get it', async () => {
    expect(() => resolveGeneratorPath('no-such-model')).toThrow(GeneratorModelNotFoundError);
    expect(() => resolveGeneratorPath('no-such-model')).toThrow(
      /models\/generator\/no-such-model\.onnx.*generator-train/,
    );
    await expect(GeneratorModel.load('/nonexistent/g.onnx')).rejects.toThrow(
      /\/nonexistent\/g\.onnx.*--model PATH/,
    );
  });
});

describe('finishSample', () => {
  const plan: SamplePlan = { index: 0, natoms: 2, mode: 'gen', allowedTypes: [], natomsSource: 'given' };
  const raw = (lattice: Mat3, fracCoords: Vec3[], species = ['Na', 'Cl']): RawSample => ({
    plan: { ...plan, natoms: species.length },
    lattice,
    fracCoords,
    species,
  });

  it('wraps, Niggli-reduces and accepts a sane cell', () => {
    const skewed: Mat3 = [
      [4, 0, 0],
      [12, 4, 0],
      [0, 0, 4],
    ];
    const s = finishSample(
      raw(skewed, [
        [1.25, -0.5, 0],
        [0.5, 0.5, 0.5],
      ]),
    );
    expect(s.valid).toBe(true);
    expect(s.structure.lattice.map((r) => Math.hypot(...r)).sort()).toEqual([4, 4, 4]);
    for (const f of s.structure.fracCoords) for (const x of f) expect(x >= 0 && x < 1).toBe(true);
  });

  it('keeps invalid samples with every reason', () => {
    const close = finishSample(
      raw(Lattice.cubic(4), [
        [0, 0, 0],
        [0.05, 0, 0],
      ]),
    );
    expect(close.valid).toBe(false);
    expect(close.reasons.map((r) => r.code)).toEqual(['too_close']);
    const nan = finishSample(
      raw(
        [
          [Number.NaN, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        [
          [0, 0, 0],
          [0.5, 0.5, 0.5],
        ],
      ),
    );
    expect(nan.reasons.map((r) => r.code)).toContain('non_finite');
    const flat = finishSample(
      raw(
        [
          [4, 0, 0],
          [0, 4, 0],
          [4, 4, 1e-12],
        ],
        [
          [0, 0, 0],
          [0.5, 0.5, 0.5],
        ],
      ),
    );
    expect(flat.reasons.map((r) => r.code)).toEqual(['degenerate_lattice']);
    const huge = finishSample(
      raw(Lattice.cubic(100), [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ]),
    );
    expect(huge.reasons.map((r) => r.code)).toEqual(['volume_per_atom']);
  });

  it('a tiny cell is too close to its own images without walking millions of images', () => {
    // A walk over millions of images would run into the test timeout; no wall-clock bound here.
    const tiny = finishSample(
      raw(Lattice.cubic(0.01), [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ]),
    );
    expect(tiny.reasons.map((r) => r.code).sort()).toEqual(['too_close', 'volume_per_atom']);
    expect(tiny.reasons.find((r) => r.code === 'too_close')!.message).toMatch(
      /own periodic image are 0\.010 Å/,
    );
  });
});
