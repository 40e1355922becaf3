/**
 * The cell a candidate's DFT gets (dft/symmetrize-input.ts): distorted high-symmetry cells become
 * their idealised primitive cell, the same crystal by the structure matcher; a P1 cell, a cell
 * moyo refuses and a refinement that would move atoms too far keep the relaxed cell, with the reason.
 */
import { describe, expect, it } from 'vitest';
import { StructureMatcher } from '../../crystal/matcher/index.js';
import { Structure } from '../../crystal/structure.js';
import { spaceGroupOf } from '../../crystal/symmetry/index.js';
import { symmetrizedDftInput } from '../../dft/symmetrize-input.js';
import { distortedRockSalt, distortedRutile, p1Cell } from './distorted-cells.js';

const matcher = new StructureMatcher();

describe('symmetrizedDftInput', () => {
  it.each([
    [
      'rock salt, conventional cube, rotated, 0.03 Å rattle',
      distortedRockSalt(0.03),
      0.03,
      225,
      'Fm-3m',
      8,
      2,
    ],
    [
      'rock salt, conventional cube, rotated, 0.05 Å rattle',
      distortedRockSalt(0.05, 5),
      0.05,
      225,
      'Fm-3m',
      8,
      2,
    ],
    ['rutile, 2×1×1 supercell, rotated, 0.02 Å rattle', distortedRutile(0.02), 0.02, 136, 'P4_2/mnm', 12, 6],
  ])('%s → the idealised primitive cell', (_, input, rattleA, number, symbol, before, after) => {
    expect(spaceGroupOf(input, { symprecA: 1e-3 }).number).toBe(1);
    const { structure, record } = symmetrizedDftInput(input);
    expect(record).toMatchObject({
      status: 'symmetrized',
      reason: null,
      spaceGroupNumber: number,
      spaceGroupSymbol: symbol,
      sitesBefore: before,
      sitesAfter: after,
    });
    expect(structure.species).toHaveLength(after);
    expect(Structure.reducedFormula(structure)).toBe(Structure.reducedFormula(input));
    expect(spaceGroupOf(structure, { symprecA: 1e-5 }).number).toBe(number);
    expect(matcher.fit(input, structure, { symmetric: true })).toBe(true);
    // Each site of the input is paired with one of the refined cell repeated to the input's size, so
    // the rattle shows in full (primitive reduction first would average a supercell's images away).
    expect(record.maxDisplacementA).toBeGreaterThan(0.6 * rattleA);
    expect(record.maxDisplacementA).toBeLessThanOrEqual(0.1);
    expect(Math.abs(record.volumeChange!)).toBeLessThan(0.02);
    expect(record.note).toMatch(new RegExp(`symmetrized to .*\\(${number}\\).*${before} → ${after} sites`));
  });

  it('is deterministic: the same input gives the same cell', () => {
    const a = symmetrizedDftInput(distortedRutile());
    const b = symmetrizedDftInput(distortedRutile());
    expect(b.structure).toEqual(a.structure);
    expect(b.record).toEqual(a.record);
  });

  it('keeps a P1 cell unchanged', () => {
    const { structure, record } = symmetrizedDftInput(p1Cell);
    expect(structure).toBe(p1Cell);
    expect(record).toMatchObject({
      status: 'kept',
      reason: 'p1',
      spaceGroupNumber: 1,
      sitesBefore: 3,
      sitesAfter: 3,
    });
    expect(record.note).toMatch(/^kept the relaxed cell: space group P1/);
  });

  it('keeps the relaxed cell when refining would move an atom further than allowed', () => {
    const input = distortedRockSalt(0.05, 5);
    const { structure, record } = symmetrizedDftInput(input, { maxDisplacementA: 0.01 });
    expect(structure).toBe(input);
    expect(record).toMatchObject({
      status: 'kept',
      reason: 'displacement',
      spaceGroupNumber: 225,
      sitesAfter: 8,
    });
    expect(record.maxDisplacementA).toBeGreaterThan(0.01);
    expect(record.note).toMatch(/moves an atom 0\.0\d\d Å, more than 0\.01 Å/);
  });

  it('keeps the relaxed cell when moyo cannot analyse it', () => {
    const overlapping = Structure.create(
      p1Cell.lattice,
      ['Si', 'Si'],
      [
        [0, 0, 0],
        [0.001, 0, 0],
      ],
    );
    const { structure, record } = symmetrizedDftInput(overlapping);
    expect(structure).toBe(overlapping);
    expect(record).toMatchObject({ status: 'kept', reason: 'symmetry_error', spaceGroupNumber: null });
    expect(record.note).toMatch(/overlapping_atoms/);
  });
});
