import { describe, expect, it } from 'vitest';
import { CompositionMap, HullInputError, PDEntry } from '../../../crystal/hull/index.js';

describe('CompositionMap', () => {
  it('counts atoms and gives sorted atom fractions', () => {
    const c = { O: 3, Fe: 2 };
    expect(CompositionMap.numAtoms(c)).toBe(5);
    expect(CompositionMap.fractional(c)).toEqual({ Fe: 0.4, O: 0.6 });
    expect(Object.keys(CompositionMap.fractional(c))).toEqual(['Fe', 'O']);
    expect(CompositionMap.elements({ O: 3, Fe: 2, Ni: 0 })).toEqual(['Fe', 'O']);
  });

  it('keys compositions by atom fraction, so multiples coincide', () => {
    expect(CompositionMap.key({ A: 1, B: 2 })).toBe(CompositionMap.key({ B: 4, A: 2 }));
    expect(CompositionMap.key({ A: 1, B: 2 })).toBe('A:0.3333333333 B:0.6666666667');
    expect(CompositionMap.key({ A: 1, B: 2 })).not.toBe(CompositionMap.key({ A: 1, B: 1 }));
  });

  it.each([
    [{}, 'no element with a positive amount'],
    [{ Fe: 0 }, 'no element with a positive amount'],
    [{ Fe: -1 }, 'finite number >= 0'],
    [{ Fe: Number.NaN }, 'finite number >= 0'],
    [{ fe: 1 }, 'not an element symbol'],
  ])('refuses %j', (composition, message) => {
    expect(() => CompositionMap.validated(composition)).toThrow(HullInputError);
    expect(() => CompositionMap.validated(composition)).toThrow(message);
  });
});

describe('PDEntry', () => {
  it('gives energy per atom and fractional composition', () => {
    const e = PDEntry.create('Al2O3', { Al: 2, O: 3 }, -37.5);
    expect(PDEntry.numAtoms(e)).toBe(5);
    expect(PDEntry.energyPerAtom(e)).toBeCloseTo(-7.5, 12);
    expect(PDEntry.fractionalComposition(e)).toEqual({ Al: 0.4, O: 0.6 });
    expect(PDEntry.isElemental(e)).toBe(false);
    expect(PDEntry.isElemental(PDEntry.create('O2', { O: 2 }, -9.9))).toBe(true);
  });

  it('builds from an energy per atom', () => {
    const e = PDEntry.fromEnergyPerAtom('Li2O', { Li: 2, O: 1 }, -2);
    expect(e.energyEv).toBe(-6);
    expect(PDEntry.energyPerAtom(e)).toBe(-2);
  });

  it('is frozen and validated', () => {
    const e = PDEntry.create('x', { Fe: 1 }, -8);
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.composition)).toBe(true);
    expect(() => PDEntry.create('bad', { Fe: 1 }, Number.POSITIVE_INFINITY)).toThrow(HullInputError);
    expect(() => PDEntry.create('bad', { Fe: -1 }, -1)).toThrow(/entry|amount/);
  });
});
