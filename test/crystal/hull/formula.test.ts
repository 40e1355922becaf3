import { describe, expect, it } from 'vitest';
import { FormulaParseError, parseFormula } from '../../../crystal/hull/index.js';

describe('parseFormula', () => {
  it('reads Materials Project pretty formulas', () => {
    expect(parseFormula('GaTe')).toEqual({ Ga: 1, Te: 1 });
    expect(parseFormula('Li2O')).toEqual({ Li: 2, O: 1 });
    expect(parseFormula('Fe(HO)2')).toEqual({ Fe: 1, H: 2, O: 2 });
    expect(parseFormula('Sm(Fe5Mo)2')).toEqual({ Sm: 1, Fe: 10, Mo: 2 });
  });

  it('handles nesting, square brackets, decimals, repeats and whitespace', () => {
    expect(parseFormula('Ca3(Al(SiO4)2)2')).toEqual({ Ca: 3, Al: 2, Si: 4, O: 16 });
    expect(parseFormula('K[Fe(CN)6]')).toEqual({ K: 1, Fe: 1, C: 6, N: 6 });
    expect(parseFormula('Fe0.5Ni0.5')).toEqual({ Fe: 0.5, Ni: 0.5 });
    expect(parseFormula('CH3COOH')).toEqual({ C: 2, H: 4, O: 2 });
    expect(parseFormula(' Al2 O3 ')).toEqual({ Al: 2, O: 3 });
  });

  it('returns elements sorted, so equal formulas compare equal', () => {
    expect(Object.keys(parseFormula('OLi2'))).toEqual(['Li', 'O']);
  });

  it.each([
    ['', 'no element'],
    ['fe2O3', "unexpected 'f'"],
    ['Fe(O', "missing ')'"],
    ['FeO)', "unexpected ')'"],
    ['Fe(O]', "unexpected ']'"],
    ['Fe2-O3', "unexpected '-'"],
  ])('rejects %j (%s) with the position', (formula, message) => {
    expect(() => parseFormula(formula)).toThrow(FormulaParseError);
    expect(() => parseFormula(formula)).toThrow(message);
  });
});
