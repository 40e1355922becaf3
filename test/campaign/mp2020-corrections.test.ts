/** MP2020-style anion and GGA/GGA+U corrections (campaign/mp2020-corrections.ts) on hand-made cells. */
import { describe, expect, it } from 'vitest';
import {
  MP2020_ANION_CORRECTION_EV,
  mp2020AnionCorrection,
  mp2020Correction,
  oxideType,
} from '../../campaign/mp2020-corrections.js';
import { Lattice } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';

const rocksalt = (a: string, b: string, edge: number) =>
  Structure.create(
    Lattice.fcc(edge),
    [a, b],
    [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ],
  );

/** A cation at the origin and an O₂ (or X₂) unit of bond `d` Å along z in a cubic cell of 5 Å. */
const withDimer = (cation: string, anion: string, d: number) =>
  Structure.create(
    Lattice.cubic(5),
    [cation, anion, anion],
    [
      [0, 0, 0],
      [0.5, 0.5, 0.5 - d / 10],
      [0.5, 0.5, 0.5 + d / 10],
    ],
  );

describe('MP2020 anion corrections', () => {
  it('an oxide gets -0.687 eV per O: MgO -0.3435 eV/atom', () => {
    const c = mp2020AnionCorrection(rocksalt('Mg', 'O', 4.21))!;
    expect(c).toMatchObject({ element: 'O', kind: 'oxide', anions: 1, evPerAnion: -0.687 });
    expect(c.evPerAtom).toBeCloseTo(-0.3435, 12);
  });

  it('tells peroxides and superoxides by the O–O bond', () => {
    expect(oxideType(withDimer('Ba', 'O', 1.48))).toBe('peroxide');
    expect(oxideType(withDimer('K', 'O', 1.28))).toBe('superoxide');
    expect(oxideType(rocksalt('Mg', 'O', 4.21))).toBe('oxide');
    const peroxide = mp2020AnionCorrection(withDimer('Ba', 'O', 1.48))!;
    expect(peroxide.evPerAtom).toBeCloseTo((2 * MP2020_ANION_CORRECTION_EV.peroxide) / 3, 12);
  });

  it('corrects the most electronegative element only: F in a fluoride and in OF2, no O term there', () => {
    expect(mp2020AnionCorrection(rocksalt('Li', 'F', 4.03))!.evPerAtom).toBeCloseTo(-0.462 / 2, 12);
    const of2 = Structure.create(
      Lattice.cubic(8),
      ['O', 'F', 'F'],
      [
        [0.5, 0.5, 0.5],
        [0.65, 0.5, 0.5],
        [0.5, 0.65, 0.5],
      ],
    );
    expect(mp2020AnionCorrection(of2)).toMatchObject({ element: 'F', anions: 2 });
  });

  it('silicides get +0.071 per Si; carbides, elements and cations-only cells get none', () => {
    const mg2si = Structure.create(
      Lattice.fcc(6.35),
      ['Si', 'Mg', 'Mg'],
      [
        [0, 0, 0],
        [0.25, 0.25, 0.25],
        [0.75, 0.75, 0.75],
      ],
    );
    expect(mp2020AnionCorrection(mg2si)!.evPerAtom).toBeCloseTo(0.071 / 3, 12);
    expect(mp2020AnionCorrection(rocksalt('Si', 'C', 4.36))).toBeUndefined();
    expect(mp2020AnionCorrection(rocksalt('Cu', 'Cu', 3.6))).toBeUndefined();
    expect(mp2020AnionCorrection(rocksalt('Cu', 'Zn', 3.6))).toBeUndefined();
  });
});

describe('MP2020 GGA/GGA+U mixing corrections', () => {
  it('FeO computed with U: −2.256 eV per Fe plus the oxide correction; without U only the oxide one', () => {
    const feo = rocksalt('Fe', 'O', 4.33);
    const withU = mp2020Correction(feo, true)!;
    expect(withU.hubbard).toEqual({ evPerUAtom: { Fe: -2.256 }, evPerAtom: -2.256 / 2 });
    expect(withU.anion!.kind).toBe('oxide');
    expect(withU.evPerAtom).toBeCloseTo((-2.256 - 0.687) / 2, 12);
    const plain = mp2020Correction(feo, false)!;
    expect(plain.hubbard).toBeNull();
    expect(plain.evPerAtom).toBeCloseTo(-0.687 / 2, 12);
  });

  it('no U correction where MP applies no U (sulfides, intermetallics), even on a GGA+U profile', () => {
    expect(mp2020Correction(rocksalt('Fe', 'S', 5.4), true)!.hubbard).toBeNull();
    expect(mp2020Correction(rocksalt('Fe', 'Al', 2.9), true)).toBeUndefined();
    expect(mp2020Correction(rocksalt('Mg', 'O', 4.21), true)!.hubbard).toBeNull();
  });
});
