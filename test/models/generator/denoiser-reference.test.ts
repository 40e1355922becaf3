/**
 * The ONNX denoiser equals the PyTorch one: a model's reference file holds inputs and the PyTorch
 * outputs (written by the training package's export), and the tolerance stated there
 * (|onnx − torch| ≤ 1e-4 + 1e-4·|torch| elementwise; the export check itself saw about 5e-7).
 * Case 0 has noisy types, case 1 one-hot (CSP) types; both pad one atom. Runs over the fixture
 * and every model in models/generator/ that ships a reference file.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeneratorModel } from '../../../models/generator/index.js';
import { generatorsUnderTest } from './models.js';

interface Encoded {
  readonly shape: number[];
  readonly data: number[];
}
interface Reference {
  readonly tolerance: { readonly abs: number; readonly rel: number };
  readonly cases: { readonly inputs: Record<string, Encoded>; readonly outputs: Record<string, Encoded> }[];
}

const withReference = generatorsUnderTest().filter((g) => g.reference);

describe.each(withReference)('$name: ONNX Runtime (node) == PyTorch', ({ path, reference }) => {
  const ref = JSON.parse(readFileSync(reference!, 'utf8')) as Reference;
  let model: GeneratorModel;
  beforeAll(async () => {
    model = await GeneratorModel.load(path, { executionProviders: 'cpu', intraOpThreads: 1 });
  });
  afterAll(() => model.dispose());

  it('states a tolerance no looser than 1e-4', () => {
    expect(ref.tolerance.abs).toBeLessThanOrEqual(1e-4);
    expect(ref.tolerance.rel).toBeLessThanOrEqual(1e-4);
    expect(ref.cases.length).toBeGreaterThanOrEqual(2);
  });

  it.each([0, 1])('case %i: every output within abs + rel·|torch|', async (c) => {
    const { inputs, outputs } = ref.cases[c]!;
    const [b, n, t] = inputs.atom_types!.shape as [number, number, number];
    expect(t).toBe(model.nTypes);
    const out = await model.denoise({
      batch: b,
      atoms: n,
      atomTypes: Float32Array.from(inputs.atom_types!.data),
      fracCoords: Float32Array.from(inputs.frac_coords!.data),
      lattice: Float32Array.from(inputs.lattice!.data),
      mask: Float32Array.from(inputs.mask!.data),
      t: Float32Array.from(inputs.t!.data),
    });
    const got: Record<string, Float32Array> = {
      eps_lattice: out.epsLattice,
      score_frac: out.scoreFrac,
      eps_types: out.epsTypes,
    };
    for (const [name, want] of Object.entries(outputs)) {
      const g = got[name]!;
      expect(g.length, name).toBe(want.data.length);
      let worst = 0;
      for (let k = 0; k < g.length; k++) {
        const excess =
          Math.abs(g[k]! - want.data[k]!) - (ref.tolerance.abs + ref.tolerance.rel * Math.abs(want.data[k]!));
        worst = Math.max(worst, excess);
      }
      expect(worst, `${name}: largest excess over the tolerance`).toBeLessThanOrEqual(0);
    }
    // Padding (structure 1, atom 4) gives zero per-atom outputs, as the contract says.
    const pad = (1 * n + 4) * 3;
    expect([...out.scoreFrac.subarray(pad, pad + 3)].map(Math.abs)).toEqual([0, 0, 0]); // ±0
  });
});
