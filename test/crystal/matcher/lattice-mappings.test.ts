import { describe, expect, it } from 'vitest';
import { det3, Lattice, type Mat3 } from '../../../crystal/lattice.js';
import { latticeMappings, latticePointsInSphere } from '../../../crystal/matcher/lattice-mappings.js';
import { PeriodicMetric } from '../../../crystal/matcher/periodic-metric.js';
import { rng } from './transforms.js';

describe('latticeMappings', () => {
  it('finds the 48 signed permutations of a cubic basis', () => {
    const found = [...latticeMappings(Lattice.cubic(4), Lattice.cubic(4), 0.2, 5)];
    expect(found.length).toBe(48);
    expect(found.filter((m) => det3(m.scale) > 0).length).toBe(24);
    for (const m of found) expect(Math.abs(det3(m.scale))).toBeCloseTo(1, 10);
  });

  it('returns only bases within the length and angle tolerances', () => {
    const target = Lattice.fromParameters(3.1, 3.25, 5.2, 88, 93, 118);
    const searched = Lattice.fromParameters(3.0, 3.0, 5.0, 90, 90, 120);
    const found = [...latticeMappings(searched, target, 0.1, 4)];
    expect(found.length).toBeGreaterThan(0);
    const [a, b, c, alpha, beta, gamma] = Lattice.parameters(target);
    for (const { lattice } of found) {
      const p = Lattice.parameters(lattice);
      for (let k = 0; k < 3; k++) {
        const ratio = p[k]! / [a, b, c][k]!;
        expect(ratio).toBeGreaterThan(1 / 1.1);
        expect(ratio).toBeLessThan(1.1);
        expect(Math.abs(p[3 + k]! - [alpha, beta, gamma][k]!)).toBeLessThanOrEqual(4);
      }
    }
    expect([...latticeMappings(searched, Lattice.cubic(4), 0.2, 5)]).toEqual([]);
  });

  it('lists the lattice points in a sphere', () => {
    const { dist } = latticePointsInSphere(Lattice.cubic(2), 2.01);
    expect(dist.length).toBe(7); // origin + 6 neighbours
  });
});

describe('PeriodicMetric', () => {
  it('finds the shortest image in skewed cells, as a wide brute-force search does', () => {
    const rand = rng(13);
    for (let trial = 0; trial < 50; trial++) {
      // A badly skewed (non-reduced) basis of some lattice.
      const base = Lattice.fromParameters(
        3 + rand(),
        3.5 + rand(),
        4 + rand(),
        80 + 20 * rand(),
        80 + 20 * rand(),
        70 + 40 * rand(),
      );
      const skew: Mat3 = [
        base[0],
        [base[1][0] + 2 * base[0][0], base[1][1] + 2 * base[0][1], base[1][2] + 2 * base[0][2]],
        [base[2][0] - 3 * base[1][0], base[2][1] - 3 * base[1][1], base[2][2] - 3 * base[1][2]],
      ];
      const metric = PeriodicMetric.create(skew);
      const d = [rand() * 3 - 1.5, rand() * 3 - 1.5, rand() * 3 - 1.5];
      let best = Infinity;
      for (let i = -8; i <= 8; i++)
        for (let j = -8; j <= 8; j++)
          for (let k = -8; k <= 8; k++) {
            const f = [d[0]! + i, d[1]! + j, d[2]! + k];
            const x = [0, 1, 2].map((c) => f[0]! * skew[0][c]! + f[1]! * skew[1][c]! + f[2]! * skew[2][c]!);
            best = Math.min(best, x[0]! ** 2 + x[1]! ** 2 + x[2]! ** 2);
          }
      expect(metric.shortest(d[0]!, d[1]!, d[2]!)).toBeCloseTo(best, 9);
    }
  });
});
