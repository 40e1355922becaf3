/**
 * `MlipModel.predict` as the last guard for library callers: a structure no potential can evaluate
 * (flat cell, coinciding atoms, NaN) is refused with InvalidStructureError, at once, instead of a
 * neighbour-list search that never ends or forces that are all NaN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidStructureError } from '../../../crystal/assert-valid-structure.js';
import { Lattice } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { MlipModel } from '../../../models/mlip/index.js';
import { relax } from '../../../models/relax/index.js';
import { MORSE } from './models.js';
import { fcc } from './structures.js';

const singular = Structure.create(
  Lattice.fromParameters(5.43, 5.43, 5.43, 120, 120, 120),
  ['Si', 'Si'],
  [
    [0, 0, 0],
    [0.25, 0.25, 0.25],
  ],
);
const coinciding = Structure.create(
  Lattice.cubic(5.43),
  ['Si', 'Si'],
  [
    [0, 0, 0],
    [0, 0, 0],
  ],
);

describe('MlipModel.predict refuses structures it cannot evaluate', () => {
  let model: MlipModel;
  beforeAll(async () => {
    model = await MlipModel.load(MORSE, { executionProviders: 'cpu' });
  });
  afterAll(async () => model.dispose());

  it('refuses a near-singular cell at once, naming the structure and the limit', async () => {
    const started = performance.now();
    const refused = model.predict([fcc('Cu', 3.6), singular]);
    await expect(refused).rejects.toBeInstanceOf(InvalidStructureError);
    await expect(refused).rejects.toThrow(
      /model morse-committee input, structure 1: invalid structure \(Si\): degenerate_lattice: .*minWidthRatio 0\.001/,
    );
    expect(performance.now() - started).toBeLessThan(2000);
    await expect(relax(model, [singular], { steps: 5 })).rejects.toThrow(/degenerate_lattice/);
  });

  it('refuses coinciding atoms, whose forces would be NaN', async () => {
    await expect(model.predict([coinciding])).rejects.toThrow(
      /structure 0: invalid structure \(Si\): too_close: atoms 0 \(Si\) and 1 \(Si\) are 0\.000 Å apart, closer than 0\.1 Å/,
    );
    const nan: Structure = { lattice: Lattice.cubic(4), species: ['Cu'], fracCoords: [[0, Number.NaN, 0]] };
    await expect(model.predict([nan])).rejects.toThrow(/non_finite: site 0 has a non-finite coordinate/);
  });

  it('still evaluates an isolated atom in a large box and a compressed cell (no physics limits here)', async () => {
    const [isolated, dense] = await model.predict([
      Structure.create(Lattice.cubic(30), ['Cu'], [[0, 0, 0]]),
      fcc('Cu', 2.2), // 2.7 Å³ per atom, 1.56 Å apart
    ]);
    expect(Number.isFinite(isolated!.energyEv)).toBe(true);
    expect(dense!.forcesEvPerA.flat().every(Number.isFinite)).toBe(true);
  });
});
