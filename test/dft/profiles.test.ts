import { describe, expect, it } from 'vitest';
import { EngineInputError } from '../../dft/errors.js';
import { QeProfile } from '../../dft/qe/profiles.js';

describe('QeProfile', () => {
  it('loads the named sets', () => {
    expect(QeProfile.named('test')).toMatchObject({
      name: 'test',
      calculation: 'scf',
      kpointDensity: 1.5,
      mpiRanks: 1,
    });
    expect(QeProfile.named('production')).toMatchObject({
      name: 'production',
      calculation: 'vc-relax',
      mixingBeta: 0.4,
    });
  });

  it('applies overrides', () => {
    expect(QeProfile.named('test', { mixingBeta: 0.3, calculation: 'relax' })).toMatchObject({
      mixingBeta: 0.3,
      calculation: 'relax',
    });
  });

  it.each([
    [{ mixingBeta: 2 }, 'mixingBeta'],
    [{ electronMaxstep: 2.5 }, 'electronMaxstep'],
    [{ calculation: 'md' }, 'calculation'],
    [{ kpointGrid: [4, 0, 4] }, 'kpointGrid.1'],
    [{ spinPolarization: 'on', occupations: 'fixed' }, 'occupations'],
    [{ ecutwfcRy: 50, ecutrhoRy: 100 }, 'ecutrhoRy'],
    [{ mixingbeta: 0.3 }, 'mixingbeta'],
  ])('names the bad field of %j', (override, field) => {
    const err = (() => {
      try {
        QeProfile.parse({ ...QeProfile.named('test'), ...override });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EngineInputError);
    expect(err).toMatchObject({ field });
    expect((err as Error).message).toContain(`'${field}'`);
  });

  it('rejects an unknown set name', () => {
    expect(() => QeProfile.named('fast' as never)).toThrow(/unknown QE profile 'fast'/);
  });
});
