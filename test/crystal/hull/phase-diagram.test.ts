import { describe, expect, it } from 'vitest';
import {
  HullInputError,
  MissingReferenceError,
  PDEntry,
  PhaseDiagram,
  parseFormula,
  STABILITY_TOL_EV_PER_ATOM,
} from '../../../crystal/hull/index.js';

/** Entry from a formula and its formation energy (eV/atom), elements at 0. */
const ef = (formula: string, eFormationPerAtom: number, id = formula) =>
  PDEntry.fromEnergyPerAtom(id, parseFormula(formula), eFormationPerAtom);

const ids = (entries: readonly PDEntry[]) => entries.map((e) => e.id);
const byId = (pd: PhaseDiagram, id: string) => pd.entries.find((e) => e.id === id) as PDEntry;
const products = (pd: PhaseDiagram, formula: string) =>
  pd.decomposition(parseFormula(formula)).map((p) => [p.entry.id, p.fraction] as const);

describe('PhaseDiagram, binary A-B', () => {
  // AB at -1 eV/atom. The A-AB tie line at x_B = 1/3 is at -2/3, so A2B at -0.6 is 1/15 above it.
  const entries = [ef('A', 0), ef('B', 0), ef('AB', -1), ef('A2B', -0.6)];

  it('puts A2B 1/15 eV/atom above the A-AB tie line', async () => {
    const pd = await PhaseDiagram.build(entries);
    expect(pd.eAboveHull(byId(pd, 'A2B'))).toBeCloseTo(1 / 15, 12);
    expect(pd.hullFormationEnergyPerAtom({ A: 2, B: 1 })).toBeCloseTo(-2 / 3, 12);
  });

  it('decomposes A2B into AB (2/3 of the atoms) and A (1/3)', async () => {
    const pd = await PhaseDiagram.build(entries);
    const [first, second, ...rest] = products(pd, 'A2B');
    expect(rest).toEqual([]);
    expect(first?.[0]).toBe('AB');
    expect(first?.[1]).toBeCloseTo(2 / 3, 12);
    expect(second?.[0]).toBe('A');
    expect(second?.[1]).toBeCloseTo(1 / 3, 12);
  });

  it('reports the stable entries with exactly 0 and decomposes them into themselves', async () => {
    const pd = await PhaseDiagram.build(entries);
    expect(ids(pd.stableEntries())).toEqual(['A', 'B', 'AB']);
    for (const entry of pd.stableEntries()) expect(pd.eAboveHull(entry)).toBe(0);
    expect(products(pd, 'AB')).toEqual([['AB', 1]]);
    expect(products(pd, 'B')).toEqual([['B', 1]]);
  });

  it('interpolates the hull linearly between vertices and is 0 at the elements', async () => {
    const pd = await PhaseDiagram.build(entries);
    expect(pd.hullFormationEnergyPerAtom({ A: 1, B: 3 })).toBeCloseTo(-0.5, 12);
    expect(pd.hullFormationEnergyPerAtom({ A: 3, B: 2 })).toBeCloseTo(-0.8, 12);
    expect(pd.hullFormationEnergyPerAtom({ B: 7 })).toBeCloseTo(0, 12);
  });

  it('works on total energies, taking the lowest elemental entry as reference', async () => {
    // mu_A = -3, mu_B = -5 eV/atom; a second polymorph of A 0.1 eV/atom higher; AB at E_f = -1.
    const pd = await PhaseDiagram.build([
      PDEntry.create('A-beta', { A: 1 }, -2.9),
      PDEntry.create('A', { A: 2 }, -6),
      PDEntry.create('B', { B: 1 }, -5),
      PDEntry.create('AB', { A: 2, B: 2 }, 4 * -5),
      PDEntry.create('A2B', { A: 2, B: 1 }, -6 - 5 + 3 * -0.6),
    ]);
    expect(pd.elementalReferences).toEqual({ A: -3, B: -5 });
    expect(pd.formationEnergyPerAtom(byId(pd, 'AB'))).toBeCloseTo(-1, 12);
    expect(pd.eAboveHull(byId(pd, 'A-beta'))).toBeCloseTo(0.1, 12);
    expect(pd.eAboveHull(byId(pd, 'A2B'))).toBeCloseTo(1 / 15, 12);
    // Total energy per atom on the hull at A1B3: E_f -0.5 plus 0.25 * -3 + 0.75 * -5.
    expect(pd.hullEnergyPerAtom({ A: 1, B: 3 })).toBeCloseTo(-0.5 - 0.75 - 3.75, 12);
  });

  it('measures a new candidate against the hull without adding it', async () => {
    const pd = await PhaseDiagram.build(entries);
    expect(pd.eAboveHull(ef('A2B', -0.7, 'new'))).toBeCloseTo(-0.7 + 2 / 3, 12); // below: a new stable phase
    expect(pd.eAboveHull(ef('AB', -1, 'copy'))).toBe(0);
    expect(pd.eAboveHull(ef('AB3', -0.4, 'AB3'))).toBeCloseTo(0.1, 12);
  });
});

describe('PhaseDiagram, ternary A-B-C', () => {
  it('decomposes A2BC into the binaries AB and AC, half the atoms each', async () => {
    // A2BC = (AB + AC) / 2 in atom fractions, so the hull there is (-1 + -0.8) / 2 = -0.9.
    const pd = await PhaseDiagram.build([
      ef('A', 0),
      ef('B', 0),
      ef('C', 0),
      ef('AB', -1),
      ef('AC', -0.8),
      ef('A2BC', -0.85),
    ]);
    expect(pd.hullFormationEnergyPerAtom({ A: 2, B: 1, C: 1 })).toBeCloseTo(-0.9, 12);
    expect(pd.eAboveHull(byId(pd, 'A2BC'))).toBeCloseTo(0.05, 12);
    const [first, second, ...rest] = products(pd, 'A2BC');
    expect(rest).toEqual([]);
    expect(new Set([first?.[0], second?.[0]])).toEqual(new Set(['AB', 'AC']));
    expect(first?.[1]).toBeCloseTo(0.5, 12);
    expect(second?.[1]).toBeCloseTo(0.5, 12);
    expect(ids(pd.stableEntries())).toEqual(['A', 'B', 'C', 'AB', 'AC']);
  });

  it('decomposes ABC into three binaries, a third of the atoms each', async () => {
    const pd = await PhaseDiagram.build([
      ef('A', 0),
      ef('B', 0),
      ef('C', 0),
      ef('AB', -1),
      ef('AC', -1),
      ef('BC', -1),
      ef('ABC', -0.7),
    ]);
    expect(pd.eAboveHull(byId(pd, 'ABC'))).toBeCloseTo(0.3, 12);
    const decomposition = products(pd, 'ABC');
    expect(decomposition.map(([id]) => id).sort()).toEqual(['AB', 'AC', 'BC']);
    for (const [, fraction] of decomposition) expect(fraction).toBeCloseTo(1 / 3, 12);
  });

  it('restricts a query to its own chemical system', async () => {
    const pd = await PhaseDiagram.build([ef('A', 0), ef('B', 0), ef('C', 0), ef('AB', -1), ef('ABC', -2)]);
    expect(pd.hullFormationEnergyPerAtom({ A: 1, B: 1 })).toBeCloseTo(-1, 12);
    expect(pd.hullFormationEnergyPerAtom({ A: 1, C: 1 })).toBeCloseTo(0, 12);
    expect(products(pd, 'AC')).toEqual([
      ['A', 0.5],
      ['C', 0.5],
    ]);
  });
});

describe('PhaseDiagram, special cases', () => {
  it('treats a duplicated entry as stable twice and decomposes into one copy', async () => {
    const ab = ef('AB', -1);
    const twin = ef('AB', -1, 'AB-twin');
    const pd = await PhaseDiagram.build([ef('A', 0), ef('B', 0), ab, ab, twin, ef('A2B2', -1, 'A2B2')]);
    expect(ids(pd.stableEntries())).toEqual(['A', 'B', 'AB', 'AB', 'AB-twin', 'A2B2']);
    for (const entry of pd.entries) expect(pd.eAboveHull(entry)).toBe(0);
    expect(products(pd, 'AB')).toEqual([['AB', 1]]);
    const [first, second] = products(pd, 'A3B');
    expect(first?.[0]).toBe('A');
    expect(second?.[0]).toBe('AB');
  });

  it('puts entries above the elemental references at their formation energy above the hull', async () => {
    const pd = await PhaseDiagram.build([ef('A', 0), ef('B', 0), ef('AB', 0.3), ef('AB3', 0.2)]);
    expect(pd.eAboveHull(byId(pd, 'AB'))).toBeCloseTo(0.3, 12);
    expect(pd.eAboveHull(byId(pd, 'AB3'))).toBeCloseTo(0.2, 12);
    expect(ids(pd.stableEntries())).toEqual(['A', 'B']);
    expect(pd.hullFormationEnergyPerAtom({ A: 1, B: 1 })).toBe(0);
    expect(products(pd, 'AB3')).toEqual([
      ['B', 0.75],
      ['A', 0.25],
    ]);
  });

  it('handles a single element and four elements', async () => {
    const one = await PhaseDiagram.build([ef('A', 0, 'A1'), PDEntry.create('A2', { A: 1 }, 0.25)]);
    expect(ids(one.stableEntries())).toEqual(['A1']);
    expect(one.eAboveHull(byId(one, 'A2'))).toBeCloseTo(0.25, 12);

    const four = await PhaseDiagram.build([
      ...['A', 'B', 'C', 'D'].map((x) => ef(x, 0)),
      ef('ABCD', -0.5),
      ef('AB', -0.2),
    ]);
    expect(ids(four.stableEntries())).toEqual(['A', 'B', 'C', 'D', 'ABCD', 'AB']);
    expect(four.hullFormationEnergyPerAtom({ A: 1, B: 1, C: 1, D: 1 })).toBeCloseTo(-0.5, 12);
    expect(four.hullFormationEnergyPerAtom({ A: 1, B: 1, C: 2, D: 2 })).toBeCloseTo(-(2 / 3) * 0.5, 12);
  });

  it('refuses empty input and names an element without an elemental entry', async () => {
    await expect(PhaseDiagram.build([])).rejects.toThrow(HullInputError);
    await expect(PhaseDiagram.build([ef('A', 0), ef('AB', -1)])).rejects.toThrow(MissingReferenceError);
    await expect(PhaseDiagram.build([ef('A', 0), ef('AB', -1)])).rejects.toThrow(
      expect.objectContaining({ element: 'B', message: expect.stringContaining('no elemental entry for B') }),
    );
    const bad: PDEntry = { id: 'bad', composition: { A: 1 }, energyEv: Number.NaN };
    await expect(PhaseDiagram.build([ef('A', 0), bad])).rejects.toThrow(
      expect.objectContaining({ name: 'HullInputError', entryId: 'bad' }),
    );
  });

  it('refuses a query outside its elements, naming the element', async () => {
    const pd = await PhaseDiagram.build([ef('A', 0), ef('B', 0), ef('AB', -1)]);
    expect(() => pd.decomposition({ A: 1, Z: 1 })).toThrow(expect.objectContaining({ element: 'Z' }));
    expect(() => pd.eAboveHull(ef('AZ', -1))).toThrow(MissingReferenceError);
  });
});

describe('PhaseDiagram, invariants', () => {
  /** Deterministic PRNG (mulberry32), so a failure reproduces. */
  const rng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const randomTernary = (n: number, seed: number) => {
    const next = rng(seed);
    const entries = [ef('A', 0), ef('B', 0), ef('C', 0)];
    for (let i = 0; i < n; i++) {
      const amounts = { A: Math.floor(next() * 7), B: Math.floor(next() * 7), C: Math.floor(next() * 7) };
      if (amounts.A + amounts.B + amounts.C === 0) continue;
      entries.push(PDEntry.fromEnergyPerAtom(`x${i}`, amounts, -1.2 * next() + 0.2));
    }
    return entries;
  };
  const x = (c: Readonly<Record<string, number>>, el: string) =>
    (c[el] ?? 0) / ((c.A ?? 0) + (c.B ?? 0) + (c.C ?? 0));

  it('matches a brute-force hull over every triple of phases', async () => {
    const entries = randomTernary(60, 7);
    const pd = await PhaseDiagram.build(entries);
    const points = entries.map((e) => ({
      a: x(e.composition, 'A'),
      b: x(e.composition, 'B'),
      e: pd.formationEnergyPerAtom(e),
    }));
    // Barycentric weights of (a, b) in triangle (p, q, r); the hull is the lowest plane through it.
    const bruteForceHull = (a: number, b: number) => {
      let best = 0;
      for (const p of points)
        for (const q of points)
          for (const r of points) {
            const det = (q.a - p.a) * (r.b - p.b) - (r.a - p.a) * (q.b - p.b);
            if (Math.abs(det) < 1e-12) continue;
            const u = ((a - p.a) * (r.b - p.b) - (r.a - p.a) * (b - p.b)) / det;
            const v = ((q.a - p.a) * (b - p.b) - (a - p.a) * (q.b - p.b)) / det;
            if (u < -1e-12 || v < -1e-12 || u + v > 1 + 1e-12) continue;
            best = Math.min(best, (1 - u - v) * p.e + u * q.e + v * r.e);
          }
      return best;
    };
    for (const entry of entries.slice(0, 25)) {
      const { a, b } = { a: x(entry.composition, 'A'), b: x(entry.composition, 'B') };
      expect(pd.hullFormationEnergyPerAtom(entry.composition)).toBeCloseTo(bruteForceHull(a, b), 9);
    }
  });

  it('keeps its invariants for 10^3 entries in a ternary, quickly', async () => {
    const entries = randomTernary(1000, 42);
    const t0 = performance.now();
    const pd = await PhaseDiagram.build(entries);
    const buildMs = performance.now() - t0;
    const stable = new Set(pd.stableEntries());
    for (const entry of entries) {
      const e = pd.eAboveHull(entry);
      expect(e).toBeGreaterThanOrEqual(0);
      expect(e <= STABILITY_TOL_EV_PER_ATOM).toBe(stable.has(entry));
    }
    const t1 = performance.now();
    for (const entry of entries.slice(0, 200)) {
      const decomposition = pd.decomposition(entry.composition);
      let sum = 0;
      let energy = 0;
      const composition = { A: 0, B: 0, C: 0 };
      for (const { entry: product, fraction } of decomposition) {
        expect(stable.has(product)).toBe(true);
        sum += fraction;
        energy += fraction * pd.formationEnergyPerAtom(product);
        for (const el of ['A', 'B', 'C'] as const) composition[el] += fraction * x(product.composition, el);
      }
      expect(decomposition.length).toBeLessThanOrEqual(3);
      expect(sum).toBeCloseTo(1, 9);
      for (const el of ['A', 'B', 'C'] as const)
        expect(composition[el]).toBeCloseTo(x(entry.composition, el), 9);
      expect(energy).toBeCloseTo(pd.formationEnergyPerAtom(entry) - pd.eAboveHull(entry), 9);
    }
    const queryMs = (performance.now() - t1) / 200;
    console.log(
      `ternary, ${entries.length} entries: build ${buildMs.toFixed(0)} ms, decomposition ${queryMs.toFixed(2)} ms/query`,
    );
  });
});

describe('stability does not depend on the elemental references', () => {
  // μ_el is a constant of the level of theory: a molecular reference with a GGA overbinding error
  // shifts it by c, which adds c·x_el to every entry's energy per atom, the element's own phases
  // included. Vertices, e_above_hull and the formation energies the diagram reports must not move
  // (issue #14): stability decisions at one level of theory are safe; only comparisons with other
  // methods need a corrected μ.
  const rand = (() => {
    let x = 12345;
    return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  })();
  const formulas = ['Mg', 'O', 'MgO', 'MgO2', 'Mg2O', 'Mg3O4', 'MgO3', 'Mg2O3', 'Mg3O', 'Mg', 'O'];
  const elemental = (f: string) => Object.keys(parseFormula(f)).length === 1;
  // Elemental phases at 0 and (a second, metastable one) above; compounds around -1.2 eV/atom.
  const perAtom = formulas.map((f, i) => (elemental(f) ? (i < 2 ? 0 : 0.1) : -1.2 + 0.4 * rand()));

  it.each([
    ['O', 1.4],
    ['O', -0.7],
    ['Mg', 0.25],
  ])('shifting μ_%s by %d eV leaves the vertices, every e_above_hull and E_f as they were', async (el, c) => {
    const fraction = (f: string) => {
      const comp = parseFormula(f);
      return (comp[el] ?? 0) / Object.values(comp).reduce((a, b) => a + b, 0);
    };
    const base = formulas.map((f, i) => ef(f, perAtom[i]!, `${f}#${i}`));
    const shifted = formulas.map((f, i) => ef(f, perAtom[i]! + c * fraction(f), `${f}#${i}`));
    const [a, b] = [await PhaseDiagram.build(base), await PhaseDiagram.build(shifted)];
    expect(ids(a.stableEntries()).length).toBeGreaterThan(2); // compounds on the hull
    expect(ids(b.stableEntries()).sort()).toEqual(ids(a.stableEntries()).sort());
    for (const e of a.entries) {
      const twin = byId(b, e.id);
      expect(b.eAboveHull(twin)).toBeCloseTo(a.eAboveHull(e), 10);
      expect(b.formationEnergyPerAtom(twin)).toBeCloseTo(a.formationEnergyPerAtom(e), 10);
    }
  });
});
