/**
 * FIRE, the FrechetCellFilter and the batched relaxer (STYLE.md T5): the filter's forces are the
 * gradient of its energy, FIRE steps like ASE's, and relaxations reach zero forces and zero
 * stress at the same energy as a plain steepest-descent reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mat3, Vec3 } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { MlipModel } from '../../../models/mlip/index.js';
import {
  expm,
  expmFrechet,
  FIRE,
  FrechetCellFilter,
  irun,
  OptimizableAtoms,
  relax,
  relaxSteps,
  SteepestDescent,
  type Evaluation,
  type Optimizable,
  type Potential,
} from '../../../models/relax/index.js';
import { MORSE, MORSE_PARAMS } from './models.js';
import { morseEvaluate, morsePotential, readMorseParams } from './morse-reference.js';
import { fcc, maxAbs, rattle, rng, rockSalt, strain } from './structures.js';

const params = readMorseParams(MORSE_PARAMS);
const exact = morsePotential(params);
const SHEAR: Mat3 = [
  [0.04, 0.02, 0],
  [0.02, -0.03, 0.01],
  [0, 0.01, 0.06],
];
const distorted = rattle(fcc('Cu', 3.6), 0.15, 5);
const strained = strain(rattle(fcc('Cu', 3.6), 0.05, 6), SHEAR);
const strainedSalt = strain(rattle(rockSalt('Na', 'Cl', 5.4), 0.1, 6), [
  [0.02, 0.01, 0],
  [0.01, -0.02, 0],
  [0, 0, 0.03],
]);

describe('matrix exponential', () => {
  it('exp of a skew matrix is the rotation; the Fréchet derivative matches central differences', () => {
    const t = 0.7;
    const r = expm([0, -t, 0, t, 0, 0, 0, 0, 0], 3);
    expect(
      maxAbs(
        Array.from(r).map(
          (v, k) => v - [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1][k]!,
        ),
      ),
    ).toBeLessThan(1e-14);
    const u = rng(3);
    const a = Array.from({ length: 9 }, () => 0.8 * (u() - 0.5));
    const e = Array.from({ length: 9 }, () => u() - 0.5);
    const h = 1e-6;
    const plus = expm(
      a.map((v, k) => v + h * e[k]!),
      3,
    );
    const minus = expm(
      a.map((v, k) => v - h * e[k]!),
      3,
    );
    const fd = Array.from(plus, (v, k) => (v - minus[k]!) / (2 * h));
    const l = expmFrechet(a, e);
    expect(maxAbs(fd.map((v, k) => v - l[k]!))).toBeLessThan(1e-8);
    // Large norms go through scaling and squaring: exp(A) exp(-A) = I.
    const big = a.map((v) => 12 * v);
    const prod = mul3(
      expm(big, 3),
      expm(
        big.map((v) => -v),
        3,
      ),
    );
    expect(maxAbs(Array.from(prod).map((v, k) => v - (k % 4 === 0 ? 1 : 0)))).toBeLessThan(1e-9);
  });
});

describe('FrechetCellFilter', () => {
  /** Generalized forces against central differences of the filter's energy (float64 potential). */
  async function gradientError(filter: Optimizable): Promise<number> {
    const evalAt = async (x: Float64Array) => {
      filter.setPositions(x);
      const [ev] = await exact.predict([filter.structure()]);
      return { energy: filter.energy(ev!), forces: filter.forces(ev!) };
    };
    const x0 = filter.getPositions();
    const { forces } = await evalAt(x0);
    const h = 1e-5;
    let worst = 0;
    for (let k = 0; k < x0.length; k++) {
      const xp = x0.slice();
      const xm = x0.slice();
      xp[k]! += h;
      xm[k]! -= h;
      const fd = -((await evalAt(xp)).energy - (await evalAt(xm)).energy) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - forces[k]!));
    }
    filter.setPositions(x0);
    return worst;
  }

  it('atom and cell forces are minus the gradient of E + pV, also away from the reference cell', async () => {
    for (const pressure of [0, 0.01]) {
      const filter = new FrechetCellFilter(strained, { scalarPressure: pressure, expCellFactor: 3 });
      const x = filter.getPositions();
      const n = strained.species.length;
      [0.03, -0.02, 0.01, 0.015, -0.04, 0.02, -0.01, 0.025, 0.05].forEach((v, k) => (x[3 * n + k] = 3 * v));
      filter.setPositions(x);
      expect(await gradientError(filter)).toBeLessThan(5e-6);
    }
  });

  it('keeps fractional coordinates as the cell deforms, and its default cell scale is N atoms', async () => {
    const filter = new FrechetCellFilter(strainedSalt);
    const x = filter.getPositions();
    const n = strainedSalt.species.length;
    x[3 * n] = 0.1 * n; // log F_xx = 0.1
    filter.setPositions(x);
    const s = filter.structure();
    expect(s.lattice[0][0] / strainedSalt.lattice[0][0]).toBeCloseTo(Math.exp(0.1), 12);
    expect(
      maxAbs(s.fracCoords.map((f, i) => f.map((v, c) => v - strainedSalt.fracCoords[i]![c]!))),
    ).toBeLessThan(1e-12);
  });
});

describe('FIRE', () => {
  /** One row on a harmonic well f = −x, for checking steps by hand. */
  function well(x0: number): Optimizable & { x: () => number } {
    let x = Float64Array.of(x0, 0, 0);
    return {
      nRows: 1,
      getPositions: () => x.slice(),
      setPositions: (v) => (x = v.slice()),
      structure: () => distorted,
      forces: () => Float64Array.of(-x[0]!, 0, 0),
      energy: () => 0.5 * x[0]! ** 2,
      x: () => x[0]!,
    };
  }

  it("takes ASE's steps: v = dt·f, mixing towards f, and the step capped at maxstep", () => {
    const fire = new FIRE();
    const w = well(1);
    fire.step(w, Float64Array.of(-1, 0, 0), 0.5);
    expect(w.x()).toBeCloseTo(0.99, 15); // v = -0.1, dr = -0.01
    fire.step(w, Float64Array.of(-0.99, 0, 0), 0.49);
    // v = 0.9·(-0.1) + 0.1·(-1)·0.1 = -0.1; v += 0.1·(-0.99) = -0.199; dr = -0.0199
    expect(w.x()).toBeCloseTo(0.9701, 15);
    const far = well(100);
    new FIRE().step(far, Float64Array.of(-100, 0, 0), 5000);
    expect(far.x()).toBeCloseTo(99.8, 12);
  });

  it('resets velocity and halves dt when the motion turns uphill (F·v < 0)', () => {
    const fire = new FIRE();
    const w = well(1);
    fire.step(w, Float64Array.of(-1, 0, 0), 0.5);
    fire.step(w, Float64Array.of(1, 0, 0), 0.5); // force now against v
    expect(fire.dt).toBeCloseTo(0.05, 15);
  });
});

describe('relaxation with the Morse committee (ONNX)', () => {
  let model: MlipModel;
  beforeAll(async () => {
    model = await MlipModel.load(MORSE, { executionProviders: 'cpu' });
  });
  afterAll(async () => model.dispose());

  it('relaxes a distorted crystal in a fixed cell to zero forces, at the perfect-crystal energy', async () => {
    const [r] = await relax(model, [distorted], { relaxCell: false, fmax: 1e-3, steps: 300 });
    expect(r!.converged).toBe(true);
    expect(maxAbs(r!.final.forcesEvPerA)).toBeLessThan(1e-3);
    expect(r!.structure.lattice).toEqual(distorted.lattice);
    const perfect = morseEvaluate(params, fcc('Cu', 3.6)).energyEv;
    expect(Math.abs(r!.energyEv - perfect)).toBeLessThan(1e-4);
    const [sd] = await relax(exact, [distorted], {
      relaxCell: false,
      fmax: 1e-3,
      steps: 2000,
      optimizer: () => new SteepestDescent(),
    });
    expect(sd!.converged).toBe(true);
    expect(Math.abs(r!.energyEv - sd!.energyEv)).toBeLessThan(1e-4);
  });

  it('relaxes strained cells to zero stress with the cell filter, at the steepest-descent energy', async () => {
    const starts = [strained, distorted, strainedSalt];
    const results = await relax(model, starts, { fmax: 1e-3, steps: 500 });
    const reference = await relax(exact, starts, {
      fmax: 1e-3,
      steps: 3000,
      optimizer: () => new SteepestDescent(),
    });
    results.forEach((r, k) => {
      expect(r.converged).toBe(true);
      expect(r.stopReason).toBe('converged');
      expect(maxAbs(r.final.forcesEvPerA)).toBeLessThan(2e-3);
      // Cell rows converge to fmax: |σ| ≲ fmax · N / V.
      const bound = (2e-3 * r.structure.species.length) / Structure.volume(r.structure);
      expect(maxAbs(r.final.stressEvPerA3)).toBeLessThan(bound);
      expect(reference[k]!.converged).toBe(true);
      expect(Math.abs(r.energyEv - reference[k]!.energyEv)).toBeLessThan(2e-4);
    });
    // Both Cu starts end in the same fcc minimum.
    expect(Math.abs(results[0]!.energyEv - results[1]!.energyEv)).toBeLessThan(1e-5);
    expect(results[0]!.trajectory.volumesA3.at(-1)).toBeCloseTo(results[1]!.trajectory.volumesA3.at(-1)!, 2);
  });

  it('reaches the same energy with and without downhillCheck', async () => {
    const opts = { fmax: 1e-3, steps: 1000 } as const;
    const plain = await relax(exact, [strained, strainedSalt], opts);
    const checked = await relax(exact, [strained, strainedSalt], { ...opts, fire: { downhillCheck: true } });
    const onnx = await relax(model, [strained, strainedSalt], {
      ...opts,
      fire: { downhillCheck: true, downhillToleranceEv: 1e-4 },
    });
    plain.forEach((r, k) => {
      expect(checked[k]!.converged && onnx[k]!.converged && r.converged).toBe(true);
      expect(Math.abs(r.energyEv - checked[k]!.energyEv)).toBeLessThan(1e-5);
      expect(Math.abs(r.energyEv - onnx[k]!.energyEv)).toBeLessThan(2e-4);
    });
  });

  it('under a scalar pressure p the relaxed stress is −p·I and the cell is smaller', async () => {
    const p = 0.005;
    const [free, pressed] = [
      (await relax(exact, [strained], { fmax: 1e-4, steps: 2000 }))[0]!,
      (await relax(exact, [strained], { fmax: 1e-4, steps: 2000, scalarPressure: p }))[0]!,
    ];
    expect(pressed.converged).toBe(true);
    const s = pressed.final.stressEvPerA3;
    expect(maxAbs(s.map((row, a) => row.map((v, b) => v + (a === b ? p : 0))))).toBeLessThan(1e-4);
    expect(Structure.volume(pressed.structure)).toBeLessThan(Structure.volume(free.structure));
  });

  it('steps a batch together: one model call per step for the structures still running', async () => {
    const sizes: number[] = [];
    const counting: Potential = {
      predict: async (structures) => {
        sizes.push(structures.length);
        return model.predict(structures);
      },
    };
    const starts = [strained, distorted, strainedSalt];
    const results = await relax(counting, starts, { fmax: 1e-3, steps: 500 });
    expect(sizes.length).toBe(Math.max(...results.map((r) => r.nSteps)) + 1);
    expect(sizes[0]).toBe(3);
    expect(sizes.at(-1)).toBe(1);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes); // only shrinks
    for (const [k, s] of starts.entries()) {
      const [alone] = await relax(model, [s], { fmax: 1e-3, steps: 500 });
      expect(alone!.nSteps).toBe(results[k]!.nSteps);
      expect(Math.abs(alone!.energyEv - results[k]!.energyEv)).toBeLessThan(1e-6);
    }
  });

  it('reports non-convergence and bad evaluations as results, and yields progress per step', async () => {
    const [short] = await relax(model, [strained], { steps: 2, fmax: 1e-6 });
    expect(short).toMatchObject({ converged: false, stopReason: 'max-steps', nSteps: 2 });
    expect(short!.trajectory.energiesEv).toHaveLength(3);

    const broken: Potential = {
      predict: async (ss) =>
        ss.map((s): Evaluation => ({
          energyEv: Number.NaN,
          forcesEvPerA: s.species.map((): Vec3 => [0, 0, 0]),
          stressEvPerA3: [
            [0, 0, 0],
            [0, 0, 0],
            [0, 0, 0],
          ],
        })),
    };
    const [bad] = await relax(broken, [strained]);
    expect(bad).toMatchObject({ converged: false, stopReason: 'non-finite', nSteps: 0 });

    // A potential that always pulls the cell in: the run stops before the cell collapses.
    const imploding: Potential = {
      predict: async (ss) =>
        ss.map((s): Evaluation => ({
          energyEv: Structure.volume(s),
          forcesEvPerA: s.species.map((): Vec3 => [0, 0, 0]),
          stressEvPerA3: [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
        })),
    };
    const [collapsed] = await relax(imploding, [strained], { steps: 1000 });
    expect(collapsed).toMatchObject({ converged: false, stopReason: 'unphysical' });
    expect(Structure.volume(collapsed!.structure) / Structure.volume(strained)).toBeGreaterThanOrEqual(0.25);

    const progress = [];
    const steps = relaxSteps(model, [strained, distorted], { fmax: 0.05 });
    let next = await steps.next();
    while (!next.done) {
      progress.push(next.value);
      next = await steps.next();
    }
    expect(progress.map((p) => p.step)).toEqual(progress.map((_, k) => k + 1));
    expect(progress.at(-1)).toMatchObject({ nActive: 0, nFinished: 2, nConverged: 2 });

    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(relax(model, [strained], { signal: controller.signal })).rejects.toThrow('cancelled');
  });

  it('the step generator runs one structure by hand, as the README shows', async () => {
    const run = irun(new OptimizableAtoms(distorted), new FIRE(), { fmax: 0.01, steps: 200 });
    let next = run.next();
    while (!next.done) {
      const [p] = await model.predict([next.value.structure]);
      next = run.next(p!);
    }
    expect(next.value.converged).toBe(true);
  });
});

function mul3(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[3 * i + j]! += a[3 * i + k]! * b[3 * k + j]!;
  return out;
}
