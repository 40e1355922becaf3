/**
 * The contract's symmetries on every generator (models/generator/README.md): permuting atoms
 * permutes the per-atom outputs, translating all fractional coordinates changes nothing, padding
 * never changes real atoms, and outputs are finite with the contract's shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeneratorModel, Prng, type DenoiserInputs } from '../../../models/generator/index.js';
import { generatorsUnderTest } from './models.js';

const TOL = 2e-4; // float32 network, differently ordered sums

function inputs(b: number, n: number, t: number, seed: number): DenoiserInputs {
  const r = new Prng(seed);
  return {
    batch: b,
    atoms: n,
    atomTypes: Float32Array.from({ length: b * n * t }, () => r.normal()),
    fracCoords: Float32Array.from({ length: b * n * 3 }, () => r.uniform()),
    lattice: Float32Array.from({ length: b * 9 }, (_, k) => (k % 4 === 0 ? 1 : 0) + 0.3 * r.normal()),
    mask: new Float32Array(b * n).fill(1),
    t: Float32Array.from({ length: b }, () => 0.05 + 0.9 * r.uniform()),
  };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!) / Math.max(1, Math.abs(b[k]!)));
  return m;
}

describe.each(generatorsUnderTest())('$name: contract', ({ path }) => {
  let model: GeneratorModel;
  beforeAll(async () => {
    model = await GeneratorModel.load(path, { executionProviders: 'cpu', intraOpThreads: 2 });
  });
  afterAll(() => model.dispose());

  it('has finite outputs of the contract shapes', async () => {
    const x = inputs(3, 6, model.nTypes, 1);
    const out = await model.denoise(x);
    expect(out.epsLattice).toHaveLength(3 * 9);
    expect(out.scoreFrac).toHaveLength(3 * 6 * 3);
    expect(out.epsTypes).toHaveLength(3 * 6 * model.nTypes);
    for (const a of [out.epsLattice, out.scoreFrac, out.epsTypes])
      expect(a.every(Number.isFinite)).toBe(true);
  });

  it('permutation equivariance, translation invariance, padding independence', async () => {
    const [n, T] = [5, model.nTypes];
    const x = inputs(1, n, T, 2);
    const ref = await model.denoise(x);
    const perm = [3, 0, 4, 1, 2];
    const px = {
      ...x,
      atomTypes: Float32Array.from(
        { length: n * T },
        (_, k) => x.atomTypes[perm[Math.floor(k / T)]! * T + (k % T)]!,
      ),
      fracCoords: Float32Array.from(
        { length: n * 3 },
        (_, k) => x.fracCoords[perm[Math.floor(k / 3)]! * 3 + (k % 3)]!,
      ),
    };
    const p = await model.denoise(px);
    const unpermuted = Float32Array.from(
      { length: n * 3 },
      (_, k) => p.scoreFrac[perm.indexOf(Math.floor(k / 3)) * 3 + (k % 3)]!,
    );
    expect(maxDiff(unpermuted, ref.scoreFrac)).toBeLessThan(TOL);
    expect(maxDiff(p.epsLattice, ref.epsLattice)).toBeLessThan(TOL);

    const shifted = await model.denoise({
      ...x,
      fracCoords: x.fracCoords.map((f, k) => (f + [0.31, 0.77, 0.05][k % 3]!) % 1),
    });
    expect(maxDiff(shifted.scoreFrac, ref.scoreFrac)).toBeLessThan(TOL);
    expect(maxDiff(shifted.epsTypes, ref.epsTypes)).toBeLessThan(TOL);

    const padded = await model.denoise({
      ...x,
      atoms: n + 2,
      atomTypes: Float32Array.from({ length: (n + 2) * T }, (_, k) => (k < n * T ? x.atomTypes[k]! : 0)),
      fracCoords: Float32Array.from({ length: (n + 2) * 3 }, (_, k) => (k < n * 3 ? x.fracCoords[k]! : 0)),
      mask: Float32Array.from({ length: n + 2 }, (_, k) => (k < n ? 1 : 0)),
    });
    expect(maxDiff(padded.scoreFrac.subarray(0, n * 3), ref.scoreFrac)).toBeLessThan(TOL);
    expect(maxDiff(padded.epsLattice, ref.epsLattice)).toBeLessThan(TOL);
    expect([...padded.scoreFrac.subarray(n * 3)].map(Math.abs)).toEqual(new Array(6).fill(0));
  });
});
