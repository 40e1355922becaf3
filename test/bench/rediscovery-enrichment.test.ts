import { describe, expect, it } from 'vitest';
import {
  cell,
  dedupe,
  enrichment,
  expectedRandomDraws,
  firstIndex,
  greedyOrder,
  markdownTable,
  meanOf,
  systemKey,
} from '../../bench/rediscovery/enrichment.js';

/** Mean position of the first match over every arrangement of k matches among u (brute force). */
function bruteForceFirstMatch(u: number, k: number): number {
  let total = 0;
  let count = 0;
  for (let mask = 0; mask < 1 << u; mask++) {
    let bits = 0;
    for (let i = 0; i < u; i++) if (mask & (1 << i)) bits += 1;
    if (bits !== k) continue;
    let first = 0;
    while (!(mask & (1 << first))) first += 1;
    total += first + 1;
    count += 1;
  }
  return total / count;
}

describe('rediscovery enrichment helpers', () => {
  it('expectedRandomDraws is the mean first-match position without replacement', () => {
    for (const [u, k] of [
      [1, 1],
      [5, 1],
      [6, 2],
      [8, 3],
      [10, 10],
    ] as const)
      expect(expectedRandomDraws(u, k)).toBeCloseTo(bruteForceFirstMatch(u, k), 12);
    expect(expectedRandomDraws(7, 0)).toBeNull();
    expect(() => expectedRandomDraws(3, 4)).toThrow(RangeError);
    expect(() => expectedRandomDraws(-1, 0)).toThrow(RangeError);
  });

  it('firstIndex is 1-based, null without a match', () => {
    expect(firstIndex([false, false, true, true])).toBe(3);
    expect(firstIndex([true])).toBe(1);
    expect(firstIndex([false, false])).toBeNull();
    expect(firstIndex([])).toBeNull();
  });

  it('enrichment is random / actual; mean ignores unknowns', () => {
    expect(enrichment(6, 2)).toBe(3);
    expect(enrichment(null, 2)).toBeNull();
    expect(enrichment(4, null)).toBeNull();
    expect(meanOf([2, null, 4])).toBe(3);
    expect(meanOf([null])).toBeNull();
  });

  it('greedyOrder: lowest e_above_hull, hull vertices by formation energy, then input order', () => {
    const order = greedyOrder([
      { eAboveHullEvPerAtom: 0.05, formationEnergyPerAtomEv: -1 },
      { eAboveHullEvPerAtom: 0, formationEnergyPerAtomEv: -0.5 },
      { eAboveHullEvPerAtom: 0, formationEnergyPerAtomEv: -2 },
      { eAboveHullEvPerAtom: 0.01, formationEnergyPerAtomEv: 0 },
      { eAboveHullEvPerAtom: 0.01, formationEnergyPerAtomEv: 0 },
    ]);
    expect(order).toEqual([2, 1, 3, 4, 0]);
  });

  it('dedupe keeps the first of each group in input order', () => {
    const { unique, representativeOf } = dedupe([3, 13, 4, 23, 5, 14], (a, b) => a % 10 === b % 10);
    expect(unique).toEqual([0, 2, 4]);
    expect(representativeOf).toEqual([0, 0, 2, 0, 4, 2]);
  });

  it('systemKey sorts distinct elements', () => {
    expect(systemKey(['Li', 'F', 'Li'])).toBe('F-Li');
  });

  it('formats cells and markdown tables', () => {
    expect(cell(null)).toBe('–');
    expect(cell(3)).toBe('3');
    expect(cell(2.345, 2)).toBe('2.35');
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe('| a | b |\n| --- | --- |\n| 1 | x\\|y |');
  });
});
