import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elementPosition } from '../../../crystal/fingerprint/element-position.js';
import {
  COMPOSITION_OFFSET,
  FINGERPRINT_DIM,
  FINGERPRINT_THRESHOLD,
  fingerprint,
  fingerprintDistance,
} from '../../../crystal/fingerprint/index.js';
import { elementRoles } from '../../../crystal/fingerprint/radial-features.js';
import type { Mat3 } from '../../../crystal/lattice.js';
import type { Structure } from '../../../crystal/structure.js';
import { supercell } from '../../../crystal/supercell.js';
import { polymorphPairs, readMp20, type Mp20Entry } from '../matcher/mp20-data.js';
import {
  permuted,
  randomRotation,
  rng,
  rotated,
  sample,
  strained,
  translated,
} from '../matcher/transforms.js';

const NON_DIAGONAL: Mat3 = [
  [2, 1, 0],
  [0, 1, 1],
  [1, 0, 1],
];

describe('element tables', () => {
  it('places elements in the 18-column table', () => {
    expect(elementPosition(1)).toEqual({ period: 1, group: 1, fBlock: false });
    expect(elementPosition(8)).toEqual({ period: 2, group: 16, fBlock: false });
    expect(elementPosition(26)).toEqual({ period: 4, group: 8, fBlock: false });
    expect(elementPosition(64)).toEqual({ period: 6, group: 3, fBlock: true });
    expect(elementPosition(83)).toEqual({ period: 6, group: 15, fBlock: false });
    expect(elementPosition(94)).toEqual({ period: 7, group: 3, fBlock: true });
    expect(() => elementPosition(0)).toThrow(RangeError);
  });

  it('gives roles by electronegativity rank', () => {
    expect(elementRoles(['Si', 'Si'])).toEqual(new Map([['Si', 0]]));
    expect(elementRoles(['O', 'Li', 'Si', 'O'])).toEqual(
      new Map([
        ['Li', 0],
        ['Si', 1],
        ['O', 2],
      ]),
    );
    expect(elementRoles(['Cl', 'Na'])).toEqual(
      new Map([
        ['Na', 0],
        ['Cl', 2],
      ]),
    );
  });
});

describe('fingerprint on MP-20 structures', () => {
  const entries = sample(readMp20('pilot_first1000/test'), 80, rng(77));

  it('has the documented length and composition block', () => {
    for (const { materialId, structure } of entries.slice(0, 10)) {
      const v = fingerprint(structure);
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(FINGERPRINT_DIM);
      expect(v.every(Number.isFinite), materialId).toBe(true);
      const c = v.subarray(COMPOSITION_OFFSET);
      const sum = (from: number, to: number) => c.subarray(from, to).reduce((a, b) => a + b, 0);
      expect(sum(0, 7), materialId).toBeCloseTo(1, 5); // periods
      expect(sum(7, 25), materialId).toBeCloseTo(1, 5); // groups
    }
  });

  it('is invariant to rotation, translation, order, supercells and volume; 5% strain stays below the threshold', () => {
    const rand = rng(8);
    const worst: Record<string, number> = {
      rigid: 0,
      supercell: 0,
      nonDiagonal: 0,
      expanded: 0,
      strained: 0,
    };
    let ms = 0;
    for (const { structure: s } of entries) {
      const t0 = performance.now();
      const v = fingerprint(s);
      ms += performance.now() - t0;
      const copies: Record<string, Structure> = {
        rigid: permuted(translated(rotated(s, randomRotation(rand)), [rand(), rand(), rand()]), rand),
        supercell: supercell(s, [2, 1, 1]),
        nonDiagonal: permuted(rotated(supercell(s, NON_DIAGONAL), randomRotation(rand)), rand),
        expanded: strained(strained(strained(s, 0, 0.1), 1, 0.1), 2, 0.1),
        strained: strained(s, Math.floor(rand() * 3) as 0 | 1 | 2, 0.05),
      };
      for (const [kind, copy] of Object.entries(copies)) {
        worst[kind] = Math.max(worst[kind]!, fingerprintDistance(v, fingerprint(copy)));
      }
    }
    for (const kind of ['rigid', 'supercell', 'nonDiagonal', 'expanded'])
      expect(worst[kind], kind).toBeLessThan(1e-4);
    expect(worst.strained).toBeLessThan(FINGERPRINT_THRESHOLD);
    console.log(
      `fingerprint: ${(ms / entries.length).toFixed(2)} ms each; largest copy distances ` +
        Object.entries(worst)
          .map(([k, d]) => `${k} ${d.toExponential(1)}`)
          .join(', ') +
        ` (threshold ${FINGERPRINT_THRESHOLD})`,
    );
  });
});

describe('fingerprint on MP-20 polymorphs', () => {
  const entries = [...readMp20('biternary/test'), ...readMp20('biternary/val')];
  const cache = new Map<string, Float32Array>();
  const fp = (e: Mp20Entry) => {
    let v = cache.get(e.materialId);
    if (!v) cache.set(e.materialId, (v = fingerprint(e.structure)));
    return v;
  };

  it('puts most different materials of the same formula above the threshold', () => {
    const byId = new Map(entries.map((e) => [e.materialId, e]));
    const handChecked: [string, string][] = [
      ['mp-672', 'mp-2469'], // CdS wurtzite / zincblende
      ['mp-7991', 'mp-13150'], // BN hexagonal / rhombohedral
      ['mp-2634', 'mp-2701'], // NbN
      ['mp-2574', 'mp-754403'], // ZrO2
      ['mp-1143', 'mp-7048'], // Al2O3 corundum / C2/m
      ['mp-6945', 'mp-546794'], // SiO2
    ];
    for (const [a, b] of handChecked) {
      expect(fingerprintDistance(fp(byId.get(a)!), fp(byId.get(b)!)), `${a} ${b}`).toBeGreaterThan(
        FINGERPRINT_THRESHOLD,
      );
    }

    // Polytypes that differ only beyond the second neighbours sit closer than the threshold: the
    // fingerprint is a pre-filter, and the matcher separates them.
    const polytypes = [
      ['mp-10281', 'mp-560588'], // ZnS
      ['mp-8062', 'mp-7631'], // SiC 3C / hexagonal
    ].map(([a, b]) => `${a}~${b} ${fingerprintDistance(fp(byId.get(a!)!), fp(byId.get(b!)!)).toFixed(3)}`);

    // Which pairs are the same crystal: pymatgen's verdicts (test/crystal/matcher/fixtures).
    const reference = JSON.parse(
      readFileSync(new URL('../matcher/fixtures/pymatgen-polymorph-pairs.json', import.meta.url), 'utf8'),
    ) as { fit: [string, string][] };
    const same = new Set(reference.fit.map(([a, b]) => `${a}|${b}`));
    const distinct: number[] = [];
    const matched: number[] = [];
    for (const [a, b] of polymorphPairs(entries)) {
      const isSame =
        same.has(`${a.materialId}|${b.materialId}`) || same.has(`${b.materialId}|${a.materialId}`);
      (isSame ? matched : distinct).push(fingerprintDistance(fp(a), fp(b)));
    }
    const above = distinct.filter((d) => d > FINGERPRINT_THRESHOLD).length / distinct.length;
    const kept = matched.filter((d) => d <= FINGERPRINT_THRESHOLD).length / matched.length;
    console.log(
      `fingerprint on ${distinct.length + matched.length} same-formula pairs: ${(100 * above).toFixed(1)}% of the ` +
        `${distinct.length} non-matching pairs lie above ${FINGERPRINT_THRESHOLD}; ${(100 * kept).toFixed(1)}% of the ` +
        `${matched.length} pairs pymatgen matches lie below it; polytypes ${polytypes.join(', ')}`,
    );
    expect(above).toBeGreaterThan(0.6);
    expect(kept).toBeGreaterThan(0.9);
  });
});
