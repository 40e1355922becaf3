/** The evaluation metrics on known inputs, and one small evaluation run with the fixture. */
import { describe, expect, it } from 'vitest';
import { Lattice, type Vec3 } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { GeneratorModel } from '../../../models/generator/index.js';
import { evaluateGenerator, formatReport } from '../../../models/generator/evaluate/evaluate-generator.js';
import {
  compositionallyValid,
  cspMatch,
  novelIndices,
  structurallyValid,
  uniqueIndices,
} from '../../../models/generator/evaluate/metrics.js';
import { seededSubset } from '../../../models/generator/evaluate/mp20-rows.js';
import { smactValid } from '../../../models/generator/evaluate/smact-validity.js';
import { TINY } from './fixture.js';

const counts = (o: Record<string, number>) => new Map(Object.entries(o));

function rockSalt(a: string, b: string, edge: number): Structure {
  const fcc: Vec3[] = [
    [0, 0, 0],
    [0.5, 0.5, 0],
    [0.5, 0, 0.5],
    [0, 0.5, 0.5],
  ];
  const shifted = fcc.map(([x, y, z]): Vec3 => [x + 0.5, y, z]);
  return Structure.create(
    Lattice.cubic(edge),
    [...fcc.map(() => a), ...shifted.map(() => b)],
    [...fcc, ...shifted],
  );
}

describe('SMACT compositional validity (CDVAE smact_validity)', () => {
  it.each([
    [{ Li: 4, Si: 2, O: 6 }, true],
    [{ Na: 1, Cl: 1 }, true],
    [{ H: 2, O: 1 }, true],
    [{ Li: 1, H: 1 }, true],
    [{ Si: 8 }, true], // single element
    [{ Cu: 1, Ni: 3 }, true], // all metals (alloy)
    [{ Na: 1, O: 1 }, false],
    [{ Fe: 3, O: 4 }, false], // needs mixed valence: one state per element cannot balance
    [{ O: 1, F: 2 }, false], // both anions only (common states O -2, F -1)
    [{ Ne: 1, O: 1 }, false], // no oxidation states for Ne
  ])('%o -> %s', (c, valid) => {
    expect(smactValid(counts(c))).toBe(valid);
  });
});

describe('structure metrics', () => {
  const nacl = rockSalt('Na', 'Cl', 5.64);
  const kcl = rockSalt('K', 'Cl', 6.29);

  it('structural validity: distances and volume only (a huge cell is valid, as in CDVAE)', () => {
    expect(structurallyValid(nacl)).toBe(true);
    expect(
      structurallyValid(
        Structure.create(
          Lattice.cubic(60),
          ['Na', 'Cl'],
          [
            [0, 0, 0],
            [0.5, 0, 0],
          ],
        ),
      ),
    ).toBe(true);
    expect(
      structurallyValid(
        Structure.create(
          Lattice.cubic(4),
          ['Na', 'Cl'],
          [
            [0, 0, 0],
            [0.1, 0, 0],
          ],
        ),
      ),
    ).toBe(false);
    expect(compositionallyValid(nacl)).toBe(true);
  });

  it('CSP match rate and RMSE: identical match with rms 0; junk and missing predictions do not', () => {
    const shuffled = Structure.create(
      nacl.lattice,
      [...nacl.species].reverse(),
      [...nacl.fracCoords].reverse().map(([x, y, z]): Vec3 => [x + 0.1, y + 0.2, z + 0.3]),
    );
    const junk = Structure.create(
      Lattice.fromParameters(3, 9, 14, 70, 80, 100),
      nacl.species,
      nacl.fracCoords,
    );
    const r = cspMatch([
      { predicted: shuffled, truth: nacl },
      { predicted: junk, truth: nacl },
      { predicted: null, truth: kcl },
    ]);
    expect(r.pairs).toBe(3);
    expect(r.matched).toBe(1);
    expect(r.matchRate).toBeCloseTo(1 / 3, 12);
    expect(r.rmse).toBeLessThan(1e-6);
    expect(r.rms[0]).not.toBeNull();
    expect(r.rms.slice(1)).toEqual([null, null]);
  });

  it('uniqueness and novelty use the matcher within a reduced formula', () => {
    const bigger = Structure.create(
      nacl.lattice.map((row) => row.map((x) => x * 1.02)) as unknown as typeof nacl.lattice,
      nacl.species,
      nacl.fracCoords,
    );
    expect(uniqueIndices([nacl, kcl, bigger])).toEqual([0, 1]);
    expect(novelIndices([nacl, kcl], [bigger])).toEqual([1]);
  });

  it('seeded subsets are reproducible and keep the original order', () => {
    const rows = [...Array(100).keys()];
    const a = seededSubset(rows, 10, 3);
    expect(a).toEqual(seededSubset(rows, 10, 3));
    expect(a).not.toEqual(seededSubset(rows, 10, 4));
    expect([...a].sort((x, y) => x - y)).toEqual(a);
  });
});

describe('evaluateGenerator (fixture, tiny subsets)', () => {
  it('reports every section with subset sizes and the published numbers', async () => {
    const model = await GeneratorModel.load(TINY, { executionProviders: 'cpu', intraOpThreads: 1 });
    try {
      const report = await evaluateGenerator(model, {
        cspCount: 6,
        genCount: 6,
        systemCount: 2,
        perSystem: 3,
        steps: 4,
      });
      expect(report.untrained).toBe(true);
      expect(report.csp.n_compositions).toBe(6);
      expect(report.de_novo.n_samples).toBe(6);
      expect(Object.keys(report.de_novo.by_sampler).sort()).toEqual(['clip_types', 'diffcsp']);
      for (const v of ['diffcsp', 'clip_types']) {
        expect(report.conditioned.by_sampler[v]!.n_samples).toBe(6);
        expect(report.conditioned.by_sampler[v]!.adherence_pct).toBe(100);
      }
      expect(report.data.training_rows).toBe(8140);
      expect(report.published_full_mp20.csp.DiffCSP.match_rate_pct).toBe(51.49);
      const text = formatReport(report);
      expect(text).toMatch(/subset of MP-20/);
      expect(text).toMatch(/DiffCSP\s+51\.49\s+0\.0631/);
      expect(text).toMatch(/FlowMM\s+96\.85\s+83\.19/);
    } finally {
      await model.dispose();
    }
  }, 120_000);
});
