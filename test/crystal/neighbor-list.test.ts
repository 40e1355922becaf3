import { describe, expect, it } from 'vitest';
import {
  Lattice,
  matmul3,
  neighborList,
  perpendicularWidths,
  Structure,
  supercell,
  type Mat3,
  type NeighborList,
  type Vec3,
} from '../../crystal/index.js';
import { rng } from './data.js';
import { siliconConventional } from './helpers.js';

/** Brute force over all pairs and all images within the perpendicular-width bound. */
function bruteForce(s: Structure, cutoff: number): Map<string, number> {
  // +3 images: coordinates may lie up to 2 cells outside [0, 1), shifting the needed images.
  const reach = perpendicularWidths(s.lattice).map((w) => Math.ceil(cutoff / w) + 3);
  const cart = s.fracCoords.map((f) => Lattice.toCartesian(s.lattice, f));
  const images: [string, Vec3][] = [];
  for (let a = -reach[0]!; a <= reach[0]!; a++)
    for (let b = -reach[1]!; b <= reach[1]!; b++)
      for (let c = -reach[2]!; c <= reach[2]!; c++)
        images.push([`${a},${b},${c}`, Lattice.toCartesian(s.lattice, [a, b, c])]);
  const out = new Map<string, number>();
  for (let i = 0; i < cart.length; i++)
    for (let j = 0; j < cart.length; j++)
      for (const [key, t] of images) {
        if (i === j && key === '0,0,0') continue;
        const d = Math.hypot(
          cart[j]![0] + t[0] - cart[i]![0],
          cart[j]![1] + t[1] - cart[i]![1],
          cart[j]![2] + t[2] - cart[i]![2],
        );
        if (d < cutoff) out.set(`${i},${j},${key}`, d);
      }
  return out;
}

function edges(nl: NeighborList): Map<string, number> {
  const out = new Map<string, number>();
  for (let e = 0; e < nl.src.length; e++) {
    out.set(
      `${nl.src[e]},${nl.dst[e]},${nl.shifts[3 * e]},${nl.shifts[3 * e + 1]},${nl.shifts[3 * e + 2]}`,
      nl.distances[e]!,
    );
  }
  return out;
}

/** Checks r_ij = x_j - x_i + shift·L against the structure as given, and the sort order. */
function checkVectors(s: Structure, nl: NeighborList): void {
  let worst = 0;
  let sorted = true;
  for (let e = 0; e < nl.src.length; e++) {
    const [i, j] = [nl.src[e]!, nl.dst[e]!];
    const xi = Lattice.toCartesian(s.lattice, s.fracCoords[i]!);
    const shifted = s.fracCoords[j]!.map((x, k) => x + nl.shifts[3 * e + k]!) as unknown as Vec3;
    const xj = Lattice.toCartesian(s.lattice, shifted);
    for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(nl.vectors[3 * e + k]! - (xj[k]! - xi[k]!)));
    if (e > 0 && nl.src[e]! < nl.src[e - 1]!) sorted = false;
  }
  expect(worst).toBeLessThan(1e-9);
  expect(sorted).toBe(true);
}

function expectSameEdges(got: Map<string, number>, want: Map<string, number>): void {
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  const worst = Math.max(0, ...[...want].map(([k, d]) => Math.abs(got.get(k)! - d)));
  expect(worst).toBeLessThan(1e-9);
}

function randomSkewedStructure(next: () => number, n: number): Structure {
  const r = (lo: number, hi: number) => lo + (hi - lo) * next();
  const shear: Mat3 = [
    [1, Math.round(r(-2, 2)), 0],
    [0, 1, 0],
    [Math.round(r(-2, 2)), 1, 1],
  ];
  const lattice = matmul3(
    shear,
    Lattice.fromParameters(r(3, 8), r(3, 8), r(3, 8), r(60, 120), r(60, 120), r(60, 120)),
  );
  // Coordinates deliberately outside [0, 1): shifts must be reported in the caller's frame.
  const fracCoords = Array.from({ length: n }, () => [r(-1, 2), r(-1, 2), r(-1, 2)] as Vec3);
  return { lattice, species: Array(n).fill('Si'), fracCoords };
}

describe('neighborList', () => {
  it('matches brute force on random skewed cells (with unwrapped coordinates)', () => {
    const next = rng(42);
    for (let t = 0; t < 25; t++) {
      const s = randomSkewedStructure(next, 1 + Math.floor(next() * 10));
      const cutoff = 1 + 7 * next();
      const nl = neighborList(s, cutoff);
      expectSameEdges(edges(nl), bruteForce(s, cutoff));
      checkVectors(s, nl);
    }
  });

  it('lists self-images in a cell much smaller than the cutoff', () => {
    const po = Structure.create(Lattice.cubic(3), ['Po'], [[0, 0, 0]]);
    const nl = neighborList(po, 3.5);
    expect(nl.src.length).toBe(6);
    expect([...nl.dst]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...nl.distances].every((d) => Math.abs(d - 3) < 1e-12)).toBe(true);
    // Cutoff 7.1 Å over a = 2 Å: every lattice point with |n| < 3.55, minus the origin.
    const tiny = Structure.create(Lattice.cubic(2), ['Cu'], [[0.1, 0.2, 0.3]]);
    let count = 0;
    for (let a = -4; a <= 4; a++)
      for (let b = -4; b <= 4; b++)
        for (let c = -4; c <= 4; c++) if ((a || b || c) && Math.hypot(a, b, c) < 3.55) count++;
    const big = neighborList(tiny, 7.1);
    expect(big.src.length).toBe(count);
    expectSameEdges(edges(big), bruteForce(tiny, 7.1));
  });

  it('is a full list: every (i, j, S) has its reverse (j, i, -S)', () => {
    const s = randomSkewedStructure(rng(5), 7);
    const e = edges(neighborList(s, 6));
    for (const key of e.keys()) {
      const [i, j, a, b, c] = key.split(',').map(Number) as [number, number, number, number, number];
      expect(e.has(`${j},${i},${-a},${-b},${-c}`)).toBe(true);
    }
  });

  it('finds the 4 and 16 neighbours of Si in a 1000-atom supercell', () => {
    const big = supercell(siliconConventional(), [5, 5, 5]);
    expect(big.species.length).toBe(1000);
    const nl = neighborList(big, 2.5);
    expect(nl.src.length).toBe(4000);
    expect([...nl.distances].every((d) => Math.abs(d - (5.431 * Math.sqrt(3)) / 4) < 1e-9)).toBe(true);
    expect(neighborList(big, 4.0).src.length).toBe(16000);
  });

  it('matches brute force on a random 1200-atom cell', () => {
    const next = rng(99);
    const lattice = Lattice.fromParameters(24, 26, 22, 80, 100, 110);
    const n = 1200;
    const s = Structure.create(
      lattice,
      Array(n).fill('O'),
      Array.from({ length: n }, () => [next(), next(), next()] as Vec3),
    );
    const nl = neighborList(s, 3.2);
    expect(nl.src.length).toBeGreaterThan(1000);
    // Brute force for the first 150 centres (cell widths > 2 × cutoff: one image each way suffices).
    const cart = Structure.cartCoords(s);
    const want = new Map<string, number>();
    const images = [-1, 0, 1].flatMap((a) =>
      [-1, 0, 1].flatMap((b) => [-1, 0, 1].map((c) => [a, b, c] as Vec3)),
    );
    const translations = images.map((t) => Lattice.toCartesian(lattice, t));
    for (let i = 0; i < 150; i++)
      for (let j = 0; j < n; j++)
        images.forEach(([a, b, c], k) => {
          if (i === j && !a && !b && !c) return;
          const t = translations[k]!;
          const dx = cart[j]![0] + t[0] - cart[i]![0];
          const dy = cart[j]![1] + t[1] - cart[i]![1];
          const dz = cart[j]![2] + t[2] - cart[i]![2];
          const d2 = dx * dx + dy * dy + dz * dz;
          if (d2 < 3.2 * 3.2) want.set(`${i},${j},${a},${b},${c}`, Math.sqrt(d2));
        });
    const got = new Map([...edges(nl)].filter(([k]) => Number(k.split(',')[0]) < 150));
    expectSameEdges(got, want);
    checkVectors(s, nl);
  });

  it('rejects a non-positive cutoff', () => {
    expect(() => neighborList(siliconConventional(), 0)).toThrow(/cutoff must be a positive number/);
    expect(() => neighborList(siliconConventional(), Number.NaN)).toThrow(RangeError);
  });

  it('refuses a near-singular cell at once instead of searching ~1e23 pairs', () => {
    // a = b = c = 5.43 Å, all angles 120°: a + b + c ≈ 0, volume ≈ 5e-6 Å³.
    const singular = Structure.create(
      Lattice.fromParameters(5.43, 5.43, 5.43, 120, 120, 120),
      ['Si', 'Si'],
      [
        [0, 0, 0],
        [0.25, 0.25, 0.25],
      ],
    );
    const started = performance.now();
    expect(() => neighborList(singular, 5)).toThrow(
      /too thin for a 5 Å cutoff: its narrowest perpendicular width is 1\.98e-7 Å.*limit 1e\+9/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    // A small but sound cell (1 atom, 2 Å, 7.1 Å cutoff) is far below the limit.
    expect(() => neighborList(Structure.create(Lattice.cubic(2), ['Cu'], [[0, 0, 0]]), 7.1)).not.toThrow();
  });

  it('refuses a non-finite coordinate instead of binning NaN', () => {
    const s: Structure = { lattice: Lattice.cubic(4), species: ['Fe'], fracCoords: [[0, Number.NaN, 0]] };
    expect(() => neighborList(s, 3)).toThrow(/site 0 has a non-finite coordinate/);
  });
});
