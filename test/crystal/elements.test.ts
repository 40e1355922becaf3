import { describe, expect, it } from 'vitest';
import { Element, UnknownElementError } from '../../crystal/index.js';

describe('Element', () => {
  it('covers Z = 1..94 with unique symbols in order', () => {
    expect(Element.all).toHaveLength(94);
    expect(Element.all.map((e) => e.z)).toEqual(Array.from({ length: 94 }, (_, i) => i + 1));
    expect(new Set(Element.all.map((e) => e.symbol)).size).toBe(94);
    expect(Element.byZ(1).symbol).toBe('H');
    expect(Element.byZ(94).symbol).toBe('Pu');
  });

  it('has physically sensible masses, radii and oxidation states', () => {
    for (const e of Element.all) {
      expect(e.atomicMass).toBeGreaterThan(e.z); // at least Z nucleons
      expect(e.atomicMass).toBeLessThan(3 * e.z + 2);
      expect(e.covalentRadius).toBeGreaterThan(0.25);
      expect(e.covalentRadius).toBeLessThan(2.7);
      if (!['He', 'Ne', 'Ar'].includes(e.symbol)) {
        expect(e.commonOxidationStates.length).toBeGreaterThan(0);
        expect(e.electronegativity).not.toBeNull();
      }
    }
    const fe = Element.bySymbol('Fe');
    expect(fe).toMatchObject({ z: 26, atomicMass: 55.845, covalentRadius: 1.32, electronegativity: 1.83 });
    expect(fe.commonOxidationStates).toEqual([2, 3]);
    expect(Element.bySymbol('O').commonOxidationStates).toEqual([-2]);
  });

  it('throws a clear error for unknown symbols and atomic numbers', () => {
    expect(() => Element.bySymbol('Xx')).toThrow(UnknownElementError);
    expect(() => Element.bySymbol('fe')).toThrow(/unknown element symbol "fe"/);
    expect(() => Element.byZ(0)).toThrow(/atomic number 0 is out of range/);
    expect(() => Element.byZ(95)).toThrow(RangeError);
    expect(Element.isElement('Fe')).toBe(true);
    expect(Element.isElement('FE')).toBe(false);
  });

  it('maps file-format labels to elements', () => {
    const cases: [string, string][] = [
      ['Fe1', 'Fe'],
      ['FE', 'Fe'],
      ['Fe3+', 'Fe'],
      ['Fe_sv', 'Fe'],
      ['O2-', 'O'],
      ['Co1', 'Co'],
      ['C12', 'C'],
      ['Ob', 'O'],
      ['Cl', 'Cl'],
    ];
    for (const [label, el] of cases) expect(Element.fromLabel(label)).toBe(el);
    expect(() => Element.fromLabel('Xq1')).toThrow(/unknown element symbol "Xq1"/);
    expect(() => Element.fromLabel('12')).toThrow(UnknownElementError);
  });
});
