import { describe, expect, it } from 'vitest';
import { formationEnergyPerAtom, MissingReferenceError, PDEntry } from '../../../crystal/hull/index.js';

describe('formationEnergyPerAtom', () => {
  it('subtracts composition-weighted elemental references, per atom', () => {
    // (-14.77 - (2 * -1.91 + 1 * -4.95)) / 3 = -6 / 3
    const li2o = PDEntry.create('Li2O', { Li: 2, O: 1 }, -14.77);
    expect(formationEnergyPerAtom(li2o, { Li: -1.91, O: -4.95 })).toBeCloseTo(-2, 12);
  });

  it('is 0 for an element at its own reference and independent of the amount', () => {
    expect(formationEnergyPerAtom(PDEntry.create('Fe4', { Fe: 4 }, -33.2), { Fe: -8.3 })).toBeCloseTo(0, 12);
    const a = PDEntry.create('AB', { A: 1, B: 1 }, -5);
    const b = PDEntry.create('A2B2', { A: 2, B: 2 }, -10);
    expect(formationEnergyPerAtom(a, { A: -1, B: -2 })).toBeCloseTo(
      formationEnergyPerAtom(b, { A: -1, B: -2 }),
      12,
    );
  });

  it('names the element that has no reference', () => {
    const fe2o3 = PDEntry.create('Fe2O3', { Fe: 2, O: 3 }, -38);
    expect(() => formationEnergyPerAtom(fe2o3, { Fe: -8.3 })).toThrow(MissingReferenceError);
    expect(() => formationEnergyPerAtom(fe2o3, { Fe: -8.3 })).toThrow(
      /reference energy for O \(needed by entry 'Fe2O3'\)/,
    );
    expect(() => formationEnergyPerAtom(fe2o3, { O: -4.9 })).toThrow(
      expect.objectContaining({ name: 'MissingReferenceError', element: 'Fe' }),
    );
  });
});
