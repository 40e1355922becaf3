/**
 * Inference is reproducible under any thread count: every committed potential, 20 calls on the
 * same batch with 2 and with 4 intra-op threads, forces equal to 1e-6 eV/Å call to call and thread
 * count to thread count. Before the exported graphs' reducing scatters were rewritten
 * (models/training/matdisc_training/mlip/deterministic_scatter.py), sevennet-0 on 2 threads moved
 * forces by up to 0.13 eV/Å from call to call.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Lattice } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { supercell } from '../../../crystal/supercell.js';
import { MlipModel, type Prediction } from '../../../models/mlip/index.js';
import { modelsUnderTest } from './models.js';
import { rattle } from './structures.js';

const REPEATS = 20;

/** A rattled 2×2×2 diamond supercell (64 atoms) of `a` and `b` on alternating sites. */
function diamondAlloy(a: string, b: string, edge: number): Structure {
  const cell = Structure.create(
    Lattice.fcc(edge),
    [a, b],
    [
      [0, 0, 0],
      [0.25, 0.25, 0.25],
    ],
  );
  return rattle(supercell(cell, [4, 4, 2]), 0.08, 7);
}

/** Rutile TiO₂ 2×2×2 (48 atoms), rattled. */
function rutile(): Structure {
  const u = 0.305;
  const cell = Structure.create(
    Lattice.fromParameters(4.594, 4.594, 2.959, 90, 90, 90),
    ['Ti', 'Ti', 'O', 'O', 'O', 'O'],
    [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [u, u, 0],
      [1 - u, 1 - u, 0],
      [0.5 + u, 0.5 - u, 0.5],
      [0.5 - u, 0.5 + u, 0.5],
    ],
  );
  return rattle(supercell(cell, [2, 2, 2]), 0.05, 3);
}

function batchFor(elements: readonly string[]): Structure[] {
  if (elements.includes('Si') && elements.includes('Ge')) return [diamondAlloy('Si', 'Ge', 5.54)];
  if (elements.includes('Ti') && elements.includes('O')) return [rutile()];
  return [diamondAlloy(elements[0]!, elements[1] ?? elements[0]!, 5.4)];
}

const maxForceDiff = (a: readonly Prediction[], b: readonly Prediction[]) =>
  Math.max(
    ...a.flatMap((p, i) =>
      p.forcesEvPerA.flatMap((f, k) => f.map((x, c) => Math.abs(x - b[i]!.forcesEvPerA[k]![c]!))),
    ),
  );

// The universal committee's graph holds SevenNet-0's whole graph (plus its Δ committee), so it
// covers sevennet-0 here; running both would double the longest case of this file.
const models = modelsUnderTest().filter(
  (m, _, all) => !(m.name === 'sevennet-0' && all.some((o) => o.name === 'universal-committee')),
);

describe.each(models)('deterministic inference: $name', ({ path }) => {
  const loaded: MlipModel[] = [];
  afterAll(async () => {
    for (const m of loaded) await m.dispose();
  });

  it(`${REPEATS} calls on 2 and on 4 threads agree to 1e-6 eV/Å`, { timeout: 600_000 }, async () => {
    const byThreads: Prediction[][] = [];
    let structures: Structure[] | undefined;
    for (const intraOpThreads of [2, 4]) {
      const model = await MlipModel.load(path, { executionProviders: 'cpu', intraOpThreads });
      loaded.push(model);
      structures ??= batchFor(model.card.elements);
      const first = await model.predict(structures);
      let worst = 0;
      for (let k = 1; k < REPEATS; k++)
        worst = Math.max(worst, maxForceDiff(await model.predict(structures), first));
      console.log(
        `${model.name}, ${intraOpThreads} threads: max |ΔF| over ${REPEATS} calls ${worst.toExponential(2)} eV/Å`,
      );
      expect(worst).toBeLessThanOrEqual(1e-6);
      byThreads.push(first);
    }
    expect(maxForceDiff(byThreads[0]!, byThreads[1]!)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(byThreads[0]![0]!.energyEv - byThreads[1]![0]!.energyEv)).toBeLessThanOrEqual(1e-4);
  });
});
