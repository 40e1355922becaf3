/**
 * The universal committee (`models/mlip/universal-committee`: SevenNet-0 plus a Δ committee on its
 * residuals) through the TypeScript runtime: an oxide and a nitride get an energy spread and a
 * force deviation, its mean stays near SevenNet-0 on known relaxed crystals, and a strongly
 * rattled cell, far from anything either model was trained on, is flagged as less certain.
 * The physics suite (potential-conformance.test.ts) and the determinism test run over it too.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lattice } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { MlipModel } from '../../../models/mlip/index.js';
import { rattle, rockSalt } from './structures.js';

const MODELS = resolve(import.meta.dirname, '..', '..', '..', 'models', 'mlip');

/** Li3N (P6/mmm, a = 3.648 Å, c = 3.875 Å), the nitride of every Li–N campaign. */
function li3n(): Structure {
  return Structure.create(
    Lattice.hexagonal(3.648, 3.875),
    ['N', 'Li', 'Li', 'Li'],
    [
      [0, 0, 0],
      [0, 0, 0.5],
      [1 / 3, 2 / 3, 0],
      [2 / 3, 1 / 3, 0],
    ],
  );
}

describe('universal committee', () => {
  let universal: MlipModel;
  let base: MlipModel;
  beforeAll(async () => {
    universal = await MlipModel.load(join(MODELS, 'universal-committee.onnx'), { executionProviders: 'cpu' });
    base = await MlipModel.load(join(MODELS, 'sevennet-0.onnx'), { executionProviders: 'cpu' });
  });
  afterAll(async () => {
    await universal?.dispose();
    await base?.dispose();
  });

  it('covers every element of SevenNet-0 with four members', () => {
    expect(universal.card.members).toBe(4);
    expect(universal.card.elements).toEqual(base.card.elements);
  });

  it('gives an oxide and a nitride an uncertainty, with a mean near SevenNet-0', async () => {
    const structures = [rockSalt('Mg', 'O', 4.21), li3n()];
    const [mine, theirs] = [await universal.predict(structures), await base.predict(structures)];
    for (const [i, p] of mine.entries()) {
      const u = p.uncertainty!;
      expect(u.energyStdEvPerAtom).toBeGreaterThan(0);
      expect(Number.isFinite(u.energyStdEvPerAtom)).toBe(true);
      expect(u.maxForceDevEvPerA).toBeGreaterThanOrEqual(0);
      // The Δ committee is a correction: on known relaxed crystals it moves SevenNet-0 by little.
      const n = structures[i]!.species.length;
      expect(Math.abs(p.energyEv / n - theirs[i]!.energyEv / n)).toBeLessThan(0.15);
    }
  });

  it('is less certain of a strongly rattled cell than of the relaxed crystal', async () => {
    const crystal = rockSalt('Mg', 'O', 4.21);
    const [relaxed, rattled] = await universal.predict([crystal, rattle(crystal, 0.35, 7)]);
    expect(rattled!.uncertainty!.maxForceDevEvPerA).toBeGreaterThan(relaxed!.uncertainty!.maxForceDevEvPerA);
  });
});
