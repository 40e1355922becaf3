/**
 * The sampler with the untrained fixture (outputs are noise, so most samples are invalid: the
 * tests check plumbing, seeding, conditioning and bookkeeping, not crystal quality). Steps are
 * respaced to FAST_STEPS to keep the file fast; the default stays the full schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Composition } from '../../../crystal/composition.js';
import { Structure } from '../../../crystal/structure.js';
import {
  GeneratorModel,
  generate,
  parseChemicalSystem,
  parseCompositionRequest,
  sample,
  sampleSteps,
  planSamples,
  type RawSample,
} from '../../../models/generator/index.js';
import { FAST_STEPS, TINY } from './fixture.js';

/** Every number of a raw sample, for bit-exact comparison (NaN-safe via Object.is in toEqual). */
function numbers(r: readonly RawSample[]): unknown[] {
  return r.map((x) => [x.lattice.flat(), x.fracCoords.flat(), x.species]);
}

describe('predictor-corrector sampler (denoiser-tiny)', () => {
  let model: GeneratorModel;
  beforeAll(async () => {
    model = await GeneratorModel.load(TINY, { executionProviders: 'cpu', intraOpThreads: 1 });
  });
  afterAll(() => model.dispose());

  it('is bit-identical for the same seed and differs for another seed', async () => {
    const plans = planSamples({ kind: 'unconditional' }, 6, model.schedule, 11);
    const a = await sample(model, plans, { seed: 11, steps: FAST_STEPS, batchSize: 4 });
    const b = await sample(model, plans, { seed: 11, steps: FAST_STEPS, batchSize: 4 });
    expect(numbers(a)).toEqual(numbers(b));
    const c = await sample(model, plans, { seed: 12, steps: FAST_STEPS, batchSize: 4 });
    for (let i = 0; i < a.length; i++) {
      expect(a[i]!.lattice.flat()).not.toEqual(c[i]!.lattice.flat());
      expect(a[i]!.fracCoords.flat()).not.toEqual(c[i]!.fracCoords.flat());
    }
    // Plans (numbers of atoms) depend on the seed too, and repeat with it.
    const natoms = (seed: number) =>
      planSamples({ kind: 'unconditional' }, 40, model.schedule, seed).map((p) => p.natoms);
    expect(natoms(11)).toEqual(natoms(11));
    expect(natoms(11)).not.toEqual(natoms(12));
  });

  it('runs the full schedule by default (two network calls per step) and yields progress per step', async () => {
    const plans = planSamples({ kind: 'unconditional', natoms: 2 }, 1, model.schedule, 0);
    const it = sampleSteps(model, plans, { seed: 0 });
    let steps = 0;
    let r = await it.next();
    while (!r.done) {
      steps++;
      expect(r.value.steps).toBe(model.schedule.numSteps);
      r = await it.next();
    }
    expect(steps).toBe(model.schedule.numSteps);
    expect(r.value).toHaveLength(1);
  });

  it('chemical system: every output uses only the system elements', async () => {
    for (const system of ['Li-Si-O', 'Fe-O', 'Cu']) {
      const elements = parseChemicalSystem(system);
      const result = await generate(model, { kind: 'system', elements }, 12, { seed: 3, steps: FAST_STEPS });
      expect(result.samples).toHaveLength(12);
      for (const s of result.samples) {
        for (const el of s.structure.species) expect(elements, `${system}: ${el}`).toContain(el);
      }
    }
  });

  it('chemical system: natoms drawn from the system training counts when it has any, else overall', () => {
    const sched = model.schedule;
    const known = [...sched.natoms.bySystem.entries()].find(
      ([k, m]) => k.split('-').length === 3 && m.size >= 2,
    )!;
    const plans = planSamples({ kind: 'system', elements: known[0].split('-') }, 50, sched, 5);
    for (const p of plans) {
      expect(p.natomsSource).toBe('system');
      expect(known[1].has(p.natoms)).toBe(true);
    }
    // A system absent from training falls back to the overall distribution.
    expect(sched.natoms.bySystem.has('Fr-Tc-Xe')).toBe(false);
    const unseen = planSamples({ kind: 'system', elements: ['Xe', 'Fr', 'Tc'] }, 20, sched, 5);
    for (const p of unseen) {
      expect(p.natomsSource).toBe('overall');
      expect(sched.natoms.overall.has(p.natoms)).toBe(true);
    }
    const given = planSamples({ kind: 'system', elements: ['Li', 'O'], natoms: 7 }, 3, sched, 5);
    expect(given.map((p) => [p.natoms, p.natomsSource])).toEqual([
      [7, 'given'],
      [7, 'given'],
      [7, 'given'],
    ]);
  });

  it('composition (CSP): keeps the composition, natoms a multiple of the formula unit <= 20', async () => {
    const comp = parseCompositionRequest('Li2SiO3');
    const result = await generate(model, { kind: 'composition', composition: comp }, 10, {
      seed: 4,
      steps: FAST_STEPS,
    });
    for (const [k, s] of result.samples.entries()) {
      const natoms = result.plans[k]!.natoms;
      expect(natoms % 6).toBe(0);
      expect(natoms).toBeLessThanOrEqual(20);
      expect(s.structure.species).toHaveLength(natoms);
      expect(Structure.reducedFormula(s.structure)).toBe('Li2SiO3');
      const got = Composition.fromSpecies(s.structure.species);
      expect(
        Composition.equals(got, Composition.create({ Li: natoms / 3, Si: natoms / 6, O: natoms / 2 })),
      ).toBe(true);
    }
    const fixed = await generate(model, { kind: 'composition', composition: comp, natoms: 18 }, 2, {
      seed: 4,
      steps: 3,
    });
    for (const s of fixed.samples)
      expect(Composition.fromSpecies(s.structure.species)).toEqual({ Li: 6, Si: 3, O: 9 });
  });

  it('counts every invalid sample with its reasons; none is dropped', async () => {
    const check = (result: Awaited<ReturnType<typeof generate>>) => {
      expect(result.samples).toHaveLength(16);
      expect(result.samples.map((s) => s.index)).toEqual([...Array(16).keys()]);
      const invalid = result.samples.filter((s) => !s.valid);
      expect(result.validCount + invalid.length).toBe(16);
      for (const s of invalid) {
        expect(s.reasons.length).toBeGreaterThan(0);
        for (const r of s.reasons) expect(r.message.length).toBeGreaterThan(10);
      }
      const counted = Object.values(result.invalidCounts).reduce((a, b) => a + b, 0);
      expect(counted).toBe(invalid.reduce((a, s) => a + s.reasons.length, 0));
      return invalid;
    };
    const request = { kind: 'system', elements: ['Na', 'Cl'] } as const;
    check(await generate(model, request, 16, { seed: 9, steps: FAST_STEPS }));
    // Thresholds no cell meets: every sample is invalid, kept, and counted under its reasons.
    const strict = await generate(model, request, 16, {
      seed: 9,
      steps: FAST_STEPS,
      validity: { maxVolumePerAtom: 1e-6 },
    });
    expect(check(strict)).toHaveLength(16);
    expect(strict.invalidCounts.volume_per_atom).toBe(16);
    for (const s of strict.samples) expect(s.reasons.map((r) => r.code)).toContain('volume_per_atom');
  });

  it('gives the same sample whatever batch size it shares a batch with (up to float32 network noise)', async () => {
    const plans = planSamples({ kind: 'system', elements: ['Mg', 'O'], natoms: 4 }, 4, model.schedule, 2);
    const together = await sample(model, plans, { seed: 2, steps: 4, batchSize: 4 });
    const alone = await sample(model, plans, { seed: 2, steps: 4, batchSize: 1 });
    for (let i = 0; i < 4; i++) {
      expect(alone[i]!.species).toEqual(together[i]!.species);
      const [x, y] = [alone[i]!.fracCoords.flat(), together[i]!.fracCoords.flat()];
      for (let k = 0; k < x.length; k++) {
        const d = Math.abs(x[k]! - y[k]!);
        expect(Math.min(d, 1 - d)).toBeLessThan(1e-3);
      }
    }
  });
});
