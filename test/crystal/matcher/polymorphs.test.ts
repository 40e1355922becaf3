import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StructureMatcher } from '../../../crystal/matcher/index.js';
import { polymorphPairs, readMp20, type Mp20Entry } from './mp20-data.js';

/**
 * Different materials with the same formula (MP-20 binaries and ternaries, test + val): Materials
 * Project keeps them as separate entries, so they should mostly not match. pymatgen's verdicts
 * (fixtures/make-pymatgen-fixtures.py) are the reference.
 */
describe('StructureMatcher on MP-20 polymorphs', () => {
  const entries = [...readMp20('biternary/test'), ...readMp20('biternary/val')];
  const byId = new Map(entries.map((e) => [e.materialId, e]));
  const m = new StructureMatcher();

  it('keeps hand-checked polymorphs apart', () => {
    const distinct: [string, string, string][] = [
      ['mp-672', 'mp-2469', 'CdS wurtzite / zincblende'],
      ['mp-10281', 'mp-560588', 'ZnS wurtzite / 2H polytype'],
      ['mp-7991', 'mp-13150', 'BN hexagonal / rhombohedral'],
      ['mp-8062', 'mp-7631', 'SiC 3C / hexagonal polytype'],
      ['mp-2634', 'mp-2701', 'NbN P-6m2 / P6_3/mmc'],
      ['mp-2574', 'mp-754403', 'ZrO2 P4_2/nmc / I4_1/amd'],
      ['mp-1143', 'mp-7048', 'Al2O3 corundum / C2/m'],
      ['mp-6945', 'mp-546794', 'SiO2 P4_12_12 / I-42d'],
    ];
    for (const [a, b, what] of distinct) {
      const [s1, s2] = [byId.get(a)!.structure, byId.get(b)!.structure];
      expect(m.fit(s1, s2), what).toBe(false);
      expect(m.fit(s2, s1), what).toBe(false);
      expect(m.rmsDist(s1, s2), what).toBeNull();
    }
  });

  it('matches few pairs of all same-formula pairs, agreeing with pymatgen on over 99%', () => {
    const reference = JSON.parse(
      readFileSync(new URL('./fixtures/pymatgen-polymorph-pairs.json', import.meta.url), 'utf8'),
    ) as { pairs: number; fit: [string, string][] };
    const pymatgenFits = new Set(reference.fit.map(([a, b]) => key(a, b)));
    const pairs = polymorphPairs(entries);
    expect(pairs.length).toBe(reference.pairs);
    for (const [a, b] of pairs) [a, b].forEach((e) => m.reducedStructure(e.structure));

    let fits = 0;
    let agree = 0;
    const disagreements: string[] = [];
    const t0 = performance.now();
    for (const [a, b] of pairs) {
      const fit = m.fit(a.structure, b.structure);
      if (fit) fits++;
      if (fit === pymatgenFits.has(key(a.materialId, b.materialId))) agree++;
      else disagreements.push(`${label(a)}~${label(b)}: ${fit}`);
    }
    const msPerFit = (performance.now() - t0) / pairs.length;
    console.log(
      `polymorph pairs: ${fits}/${pairs.length} match (${((100 * fits) / pairs.length).toFixed(1)}%; pymatgen ` +
        `${pymatgenFits.size}), agreement ${((100 * agree) / pairs.length).toFixed(2)}%, ${msPerFit.toFixed(2)} ms ` +
        `per fit on reduced cells; disagreements: ${disagreements.join(', ')}`,
    );
    expect(fits / pairs.length).toBeLessThan(0.15);
    expect(agree / pairs.length).toBeGreaterThan(0.99);
  });
});

function key(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function label(e: Mp20Entry): string {
  return `${e.formula} ${e.materialId}`;
}
