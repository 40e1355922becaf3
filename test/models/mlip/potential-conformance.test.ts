/**
 * Physics invariants every potential must satisfy (STYLE.md T5, T6): run over the Morse fixture
 * and every trained model in models/mlip/. The ONNX graphs run in float32, so finite differences
 * use displacements of 5e-3 Å / strains of 5e-4 and tolerances well above float32 noise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Element } from '../../../crystal/elements.js';
import { Lattice, type Mat3, type Vec3 } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { supercell } from '../../../crystal/supercell.js';
import { MlipModel, type Prediction } from '../../../models/mlip/index.js';
import { modelsUnderTest } from './models.js';
import { maxAbs, maxAbsDiff, rattle, rotate, rotateStructure, rotation, strain } from './structures.js';

/** Three elements the model knows (Li, Fe, O when it has them). */
function elementsFor(model: MlipModel): [string, string, string] {
  const preferred = ['Li', 'Fe', 'O'];
  const known = model.card.elements;
  const pick = preferred.every((e) => known.includes(e))
    ? preferred
    : [...known, ...known, ...known].slice(0, 3);
  return pick as [string, string, string];
}

/** A rattled, low-symmetry 6-atom cell with minimum distances near 2.4 Å. */
function testCrystal(model: MlipModel): Structure {
  const [a, b, c] = elementsFor(model);
  const s = Structure.create(
    Lattice.fromParameters(4.9, 5.3, 5.8, 82, 97, 104),
    [a, b, c, c, a, b],
    [
      [0.02, 0.05, 0.01],
      [0.48, 0.52, 0.07],
      [0.25, 0.31, 0.49],
      [0.74, 0.22, 0.61],
      [0.11, 0.69, 0.58],
      [0.61, 0.88, 0.33],
    ],
  );
  return rattle(s, 0.05, 7);
}

function displaced(s: Structure, atom: number, axis: number, h: number): Structure {
  const cart = Structure.cartCoords(s).map((x, i): Vec3 =>
    i === atom ? (x.map((v, k) => (k === axis ? v + h : v)) as unknown as Vec3) : x,
  );
  return Structure.fromCartesian(s.lattice, s.species, cart);
}

describe.each(modelsUnderTest())('potential conformance: $name', ({ path, analytic }) => {
  let model: MlipModel;
  // Trained networks are less smooth than a Morse sum and carry larger float32 sums.
  const tol = analytic ? { abs: 1e-3, rel: 1e-3 } : { abs: 5e-3, rel: 2e-2 };
  beforeAll(async () => {
    model = await MlipModel.load(path, { executionProviders: 'cpu' });
  });
  afterAll(async () => model.dispose());

  it('declares energy, forces and stress, and returns them with the contract shapes', async () => {
    expect(model.implementedProperties).toEqual(expect.arrayContaining(['energy', 'forces', 'stress']));
    const s = testCrystal(model);
    const [p] = await model.predict([s]);
    expect(p!.forcesEvPerA).toHaveLength(s.species.length);
    expect(p!.members).toHaveLength(model.members);
    expect(p!.energyPerAtomEv * s.species.length).toBeCloseTo(p!.energyEv, 9);
    expect(maxAbsDiff(p!.stressEvPerA3, transpose(p!.stressEvPerA3))).toBeLessThan(1e-12);
    // Newton's third law: the forces of a periodic crystal sum to zero.
    const total = [0, 1, 2].map((c) => p!.forcesEvPerA.reduce((t, f) => t + f[c]!, 0));
    expect(maxAbs(total)).toBeLessThan(1e-4);
  });

  it('forces are minus the central-difference gradient of the energy', async () => {
    const s = testCrystal(model);
    const h = 5e-3 * float32Scale(model, s);
    const probes: Structure[] = [];
    for (let i = 0; i < s.species.length; i++)
      for (let c = 0; c < 3; c++) probes.push(displaced(s, i, c, h), displaced(s, i, c, -h));
    const [p, ...shifted] = await model.predict([s, ...probes]);
    let worst = 0;
    for (let i = 0; i < s.species.length; i++)
      for (let c = 0; c < 3; c++) {
        const k = 2 * (3 * i + c);
        const fd = -(shifted[k]!.energyEv - shifted[k + 1]!.energyEv) / (2 * h);
        const f = p!.forcesEvPerA[i]![c]!;
        worst = Math.max(worst, Math.abs(f - fd) / (tol.abs + tol.rel * Math.abs(f)));
      }
    expect(worst).toBeLessThan(1);
    expect(maxAbs(p!.forcesEvPerA)).toBeGreaterThan(0.05); // the check is not vacuous
  });

  // This once failed by 0.05 eV/Å³ on a loaded machine: the exported graphs' reducing scatters summed
  // in thread order. They are rewritten now (determinism.test.ts), so no retry and no thread pinning.
  it('stress is the finite-strain derivative of the energy over the volume (ASE sign)', async () => {
    const s = testCrystal(model);
    const h = 5e-4 * float32Scale(model, s);
    const pairs: [number, number][] = [
      [0, 0],
      [1, 1],
      [2, 2],
      [1, 2],
      [0, 2],
      [0, 1],
    ];
    const probes = pairs.flatMap(([a, b]) =>
      [h, -h].map((d) => {
        const eps = [0, 1, 2].map((r) =>
          [0, 1, 2].map((c) => ((r === a && c === b) || (r === b && c === a) ? (a === b ? d : d / 2) : 0)),
        );
        return strain(s, eps as unknown as Mat3);
      }),
    );
    const [p, ...strained] = await model.predict([s, ...probes]);
    const volume = Structure.volume(s);
    pairs.forEach(([a, b], k) => {
      const fd = (strained[2 * k]!.energyEv - strained[2 * k + 1]!.energyEv) / (2 * h) / volume;
      const sigma = p!.stressEvPerA3[a]![b]!;
      expect(Math.abs(sigma - fd)).toBeLessThan(tol.abs / 20 + tol.rel * Math.abs(sigma));
    });
  });

  it('a compressed cell has negative (compressive) diagonal stress', async () => {
    const [a] = elementsFor(model);
    const r = Element.bySymbol(a).covalentRadius;
    // fcc with nearest neighbours at 65 % of twice the covalent radius: strongly repulsive.
    // (Not 75 %: SevenNet-0 has a spurious tensile bump for fcc Li there, +0.19 eV/Å³, which
    // sevenn's own calculator reproduces; at 60-70 % every model here is compressive.)
    const lat = 0.65 * 2 * r * Math.SQRT2;
    const s = Structure.create(
      Lattice.cubic(lat),
      [a, a, a, a],
      [
        [0, 0, 0],
        [0.5, 0.5, 0],
        [0.5, 0, 0.5],
        [0, 0.5, 0.5],
      ],
    );
    const [p] = await model.predict([s]);
    for (let k = 0; k < 3; k++) expect(p!.stressEvPerA3[k]![k]!).toBeLessThan(0);
  });

  it('energy is invariant and forces and stress co-rotate under a rigid rotation', async () => {
    const s = testCrystal(model);
    const R = rotation([0.3, -0.5, 0.8], 1.1);
    const [p, q] = await model.predict([s, rotateStructure(s, R)]);
    expect(Math.abs(q!.energyEv - p!.energyEv)).toBeLessThan(1e-5 * Math.abs(p!.energyEv) + 1e-5);
    const rotatedForces = p!.forcesEvPerA.map((f) => rotate(R, f));
    expect(maxAbsDiff(q!.forcesEvPerA, rotatedForces)).toBeLessThan(tol.abs / 2);
    const rotatedStress = mul(mul(R, p!.stressEvPerA3), transpose(R));
    expect(maxAbsDiff(q!.stressEvPerA3, rotatedStress)).toBeLessThan(1e-5);
  });

  it('energy and forces are invariant under a rigid translation', async () => {
    const s = testCrystal(model);
    const moved = Structure.create(
      s.lattice,
      s.species,
      s.fracCoords.map((f): Vec3 => [f[0] + 0.137, f[1] - 0.291, f[2] + 0.713]),
    );
    const [p, q] = await model.predict([s, moved]);
    expect(Math.abs(q!.energyEv - p!.energyEv)).toBeLessThan(1e-5 * Math.abs(p!.energyEv) + 1e-5);
    expect(maxAbsDiff(q!.forcesEvPerA, p!.forcesEvPerA)).toBeLessThan(tol.abs / 2);
  });

  it('energy is invariant and forces permute with the sites', async () => {
    const s = testCrystal(model);
    const order = [3, 0, 5, 1, 4, 2];
    const permuted = Structure.create(
      s.lattice,
      order.map((k) => s.species[k]!),
      order.map((k) => s.fracCoords[k]!),
    );
    const [p, q] = await model.predict([s, permuted]);
    expect(Math.abs(q!.energyEv - p!.energyEv)).toBeLessThan(1e-5 * Math.abs(p!.energyEv) + 1e-5);
    expect(
      maxAbsDiff(
        q!.forcesEvPerA,
        order.map((k) => p!.forcesEvPerA[k]!),
      ),
    ).toBeLessThan(tol.abs / 2);
  });

  it('energy is extensive: a 2×1×2 supercell has 4 times the energy, the same stress', async () => {
    const s = testCrystal(model);
    const big = supercell(s, [2, 1, 2]);
    const [p, q] = await model.predict([s, big]);
    expect(Math.abs(q!.energyEv - 4 * p!.energyEv)).toBeLessThan(2e-5 * Math.abs(4 * p!.energyEv) + 1e-4);
    expect(maxAbsDiff(q!.stressEvPerA3, p!.stressEvPerA3)).toBeLessThan(1e-5);
    expect(q!.uncertainty.maxForceDevEvPerA).toBeCloseTo(p!.uncertainty.maxForceDevEvPerA, 4);
  });

  it('handles atoms without neighbours: zero forces and stress, alone or in a batch', async () => {
    const [a] = elementsFor(model);
    const lonely = Structure.create(Lattice.cubic(3 * model.cutoff), [a], [[0.1, 0.2, 0.3]]);
    const [alone] = await model.predict([lonely]); // no edges at all in the call
    const [again, other] = await model.predict([lonely, testCrystal(model)]);
    for (const p of [alone!, again!]) {
      expect(maxAbs(p.forcesEvPerA)).toBe(0);
      expect(maxAbs(p.stressEvPerA3)).toBe(0);
      expect(Number.isFinite(p.energyEv)).toBe(true);
    }
    expect(again!.energyEv).toBeCloseTo(alone!.energyEv, 5);
    expect(maxAbs(other!.forcesEvPerA)).toBeGreaterThan(0);
  });

  it('a batch of structures gives the same results as one call each', async () => {
    const s = testCrystal(model);
    const batch = [s, rattle(s, 0.08, 3), supercell(s, [1, 2, 1]), rattle(s, 0.03, 11)];
    const together = await model.predict(batch);
    const alone: Prediction[] = [];
    for (const b of batch) alone.push(...(await model.predict([b])));
    together.forEach((p, k) => {
      const q = alone[k]!;
      expect(Math.abs(p.energyEv - q.energyEv)).toBeLessThan(1e-5 * Math.abs(q.energyEv) + 1e-5);
      expect(maxAbsDiff(p.forcesEvPerA, q.forcesEvPerA)).toBeLessThan(1e-4);
      expect(maxAbsDiff(p.stressEvPerA3, q.stressEvPerA3)).toBeLessThan(1e-6);
      expect(maxAbsDiff(p.members, q.members)).toBeLessThan(1e-5 * Math.abs(q.energyEv) + 1e-5);
    });
  });
});

function transpose(m: Mat3): Mat3 {
  return [0, 1, 2].map((r) => [0, 1, 2].map((c) => m[c]![r]!)) as unknown as Mat3;
}

function mul(a: Mat3, b: Mat3): Mat3 {
  return [0, 1, 2].map((r) =>
    [0, 1, 2].map((c) => a[r]![0] * b[0][c]! + a[r]![1] * b[1][c]! + a[r]![2] * b[2][c]!),
  ) as unknown as Mat3;
}

/**
 * Energies come out of the graph in float32 *including* the per-element reference energies, so
 * a cell at -860 eV/atom (TiO2's pseudopotential scale) is resolved to ~1e-3 eV: finite
 * differences need a step that grows with the absolute energy (rounding error ~ eps·|E| / h).
 */
function float32Scale(model: MlipModel, s: Structure): number {
  const refs =
    (model.card as { element_reference_energies_ev?: Record<string, number> })
      .element_reference_energies_ev ?? {};
  const absolute = s.species.reduce((t, el) => t + Math.abs(refs[el] ?? 0), 0);
  return Math.max(1, Math.sqrt(absolute / 100));
}
