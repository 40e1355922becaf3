import { describe, expect, it } from 'vitest';
import { Composition } from '../../crystal/index.js';

describe('Composition.parse', () => {
  it('reads plain, grouped, nested, bracketed, fractional and spaced formulas', () => {
    expect(Composition.parse('Li2SiO3')).toEqual({ Li: 2, Si: 1, O: 3 });
    expect(Composition.parse('Fe2(SO4)3')).toEqual({ Fe: 2, S: 3, O: 12 });
    expect(Composition.parse('Ca3(Al(OH)4)2')).toEqual({ Ca: 3, Al: 2, O: 8, H: 8 });
    expect(Composition.parse('K4[Fe(CN)6]')).toEqual({ K: 4, Fe: 1, C: 6, N: 6 });
    expect(Composition.parse('Li0.5CoO2')).toEqual({ Li: 0.5, Co: 1, O: 2 });
    expect(Composition.parse('Li2 Si1 O3')).toEqual({ Li: 2, Si: 1, O: 3 });
    expect(Composition.parse('OHO')).toEqual({ O: 2, H: 1 });
  });

  it('rejects malformed formulas naming the position', () => {
    expect(() => Composition.parse('Li2Xx')).toThrow(/unknown element "Xx" at position 4/);
    expect(() => Composition.parse('Fe2(SO4')).toThrow(/missing '\)'/);
    expect(() => Composition.parse('li2o')).toThrow(/unexpected "l" at position 1/);
    expect(() => Composition.parse('Fe2)')).toThrow(/unexpected "\)" at position 4/);
    expect(() => Composition.parse('')).toThrow(/no elements/);
    expect(() => Composition.parse('()')).toThrow(/empty group/);
  });
});

describe('Composition formulas', () => {
  const reduced = (f: string) => Composition.reducedFormula(Composition.parse(f));

  it('reduces by the gcd and orders by electronegativity like pymatgen', () => {
    expect(reduced('Li4Si2O6')).toBe('Li2SiO3');
    expect(reduced('O6Si2Li4')).toBe('Li2SiO3');
    expect(reduced('Li4Fe4P4O16')).toBe('LiFePO4');
    expect(reduced('Cl4Na4')).toBe('NaCl');
    expect(reduced('Fe4O6')).toBe('Fe2O3');
    expect(reduced('Se2C1')).toBe('CSe2'); // C and Se share X = 2.55: alphabetical
    expect(reduced('Ba2Na2Sb2O12')).toBe('BaNaSbO6'); // polyanion with factor 1 stays inline
  });

  it('groups polyanions and keeps special molecular formulas', () => {
    expect(reduced('Fe4S6O24')).toBe('Fe2(SO4)3');
    expect(reduced('P2O8Ca3')).toBe('Ca3(PO4)2');
    expect(reduced('Li2F2Na1')).toBe('NaLi2F2'); // X(F) - X(Li) > 1.65: no (LiF)2 group
    expect(reduced('O8')).toBe('O2');
    expect(reduced('Li2O2')).toBe('Li2O2');
    expect(reduced('H2')).toBe('H2');
    expect(Composition.reducedFormulaAndFactor(Composition.parse('O8'))).toEqual(['O2', 4]);
    expect(Composition.reducedFormulaAndFactor(Composition.parse('Li4O4'))).toEqual(['Li2O2', 2]);
    expect(reduced('He1Si1O2')).toBe('HeSiO2'); // no electronegativity: first, as in MP
  });

  it('writes non-integer compositions unreduced with every amount', () => {
    expect(reduced('Li0.5CoO2')).toBe('Li0.5Co1O2');
    expect(Composition.formula(Composition.parse('Li4Si2O6'))).toBe('Li4 Si2 O6');
  });

  it('gives reduced, fractional, weight, system and equality', () => {
    const c = Composition.parse('Fe4O6');
    expect(Composition.reduced(c)).toEqual({ Fe: 2, O: 3 });
    const f = Composition.fractional(c);
    expect(f.Fe).toBeCloseTo(0.4, 12);
    expect(Composition.numAtoms(f)).toBeCloseTo(1, 12);
    expect(Composition.weight(Composition.parse('H2O'))).toBeCloseTo(18.015, 3);
    expect(Composition.chemicalSystem(Composition.parse('Li2SiO3'))).toBe('Li-O-Si');
    expect(Composition.equals(Composition.parse('Fe2O3'), Composition.parse('O3Fe2'))).toBe(true);
    expect(Composition.equals(Composition.parse('Fe2O3'), Composition.parse('Fe2O3.1'))).toBe(false);
    expect(Composition.amount(c, 'Li')).toBe(0);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('validates created compositions', () => {
    expect(() => Composition.create({ Xx: 1 })).toThrow(/unknown element symbol "Xx"/);
    expect(() => Composition.create({ Fe: -1 })).toThrow(/amount of Fe is -1/);
    expect(() => Composition.create({ Fe: Number.NaN })).toThrow(/finite/);
    expect(Composition.create(new Map([['Fe', 1e-12]]))).toEqual({});
    expect(Composition.fromSpecies(['O', 'Si', 'O'])).toEqual({ O: 2, Si: 1 });
  });
});
