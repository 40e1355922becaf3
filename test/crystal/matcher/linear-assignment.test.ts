import { describe, expect, it } from 'vitest';
import { linearSumAssignment } from '../../../crystal/matcher/linear-assignment.js';
import { rng } from './transforms.js';

/** Minimum over all injective row -> column maps, by enumeration. */
function bruteForce(cost: number[][]): number {
  const m = cost[0]!.length;
  let best = Infinity;
  const used = new Array<boolean>(m).fill(false);
  const walk = (row: number, acc: number) => {
    if (row === cost.length) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      walk(row + 1, acc + cost[row]![j]!);
      used[j] = false;
    }
  };
  walk(0, 0);
  return best;
}

describe('linearSumAssignment', () => {
  it('solves the documented example', () => {
    const { rowToCol, cost } = linearSumAssignment([
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ]);
    expect([...rowToCol]).toEqual([1, 0, 2]);
    expect(cost).toBe(5);
  });

  it('matches brute force on random square and rectangular matrices', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 7);
      const m = n + Math.floor(rand() * 3);
      // Integer costs make ties common; real costs test the general case.
      const integer = trial % 2 === 0;
      const cost = Array.from({ length: n }, () =>
        Array.from({ length: m }, () => (integer ? Math.floor(rand() * 5) : rand() * 10 - 3)),
      );
      const { rowToCol, cost: total } = linearSumAssignment(cost);
      expect(new Set(rowToCol).size).toBe(n);
      for (const j of rowToCol) expect(j >= 0 && j < m).toBe(true);
      expect(total).toBeCloseTo(
        rowToCol.reduce((s, j, i) => s + cost[i]![j]!, 0),
        10,
      );
      expect(total).toBeCloseTo(bruteForce(cost), 10);
    }
  });

  it('accepts typed-array rows and the empty matrix', () => {
    expect(linearSumAssignment([Float64Array.of(3, 1), Float64Array.of(1, 3)]).cost).toBe(2);
    expect(linearSumAssignment([]).rowToCol.length).toBe(0);
  });

  it('rejects more rows than columns, ragged rows and non-finite costs', () => {
    expect(() => linearSumAssignment([[1], [2]])).toThrow(/rows must not outnumber columns/);
    expect(() => linearSumAssignment([[1, 2], [3]])).toThrow(/cost row 1 has 1 entries/);
    expect(() => linearSumAssignment([[1, Number.NaN]])).toThrow(/not finite/);
  });
});
