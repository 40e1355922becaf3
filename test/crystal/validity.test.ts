import { describe, expect, it } from 'vitest';
import { checkValidity, Lattice, Structure, ValidityCode, type Mat3 } from '../../crystal/index.js';
import { rockSaltPrimitive, siliconConventional } from './helpers.js';

const codes = (s: Structure, o = {}) => checkValidity(s, o).reasons.map((r) => r.code);

describe('checkValidity', () => {
  it('accepts ordinary crystals', () => {
    expect(checkValidity(siliconConventional())).toEqual({ valid: true, reasons: [] });
    expect(checkValidity(rockSaltPrimitive()).valid).toBe(true);
  });

  it('reports atoms closer than the minimum distance, naming them', () => {
    const s = Structure.create(
      Lattice.cubic(3),
      ['Na', 'Cl'],
      [
        [0, 0, 0],
        [0.05, 0, 0],
      ],
    );
    const r = checkValidity(s);
    expect(r.valid).toBe(false);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]!.code).toBe(ValidityCode.TooClose);
    expect(r.reasons[0]!.message).toMatch(
      /atoms 0 \(Na\) and 1 \(Cl\) are 0\.150 Å apart, closer than 0\.5 Å/,
    );
    // Across the periodic boundary too: 0.98 and 0.02 are 0.12 Å apart in a 3 Å cell.
    const wrapped = Structure.create(
      Lattice.cubic(3),
      ['Na', 'Cl'],
      [
        [0.98, 0.5, 0.5],
        [0.02, 0.5, 0.5],
      ],
    );
    expect(codes(wrapped)).toEqual(['too_close']);
    // Si-Si bonds are 2.35 Å: too close for a 3 Å threshold.
    expect(codes(siliconConventional(), { minDistance: 3 })).toEqual(['too_close']);
  });

  it('reports an atom too close to its own image, and the volume per atom', () => {
    const s = Structure.create(Lattice.cubic(0.4), ['H'], [[0, 0, 0]]);
    const r = checkValidity(s);
    expect(r.reasons.map((x) => x.code)).toEqual(['volume_per_atom', 'too_close']);
    expect(r.reasons[1]!.message).toMatch(/atom 0 \(H\) and its own periodic image are 0\.400 Å apart/);
    expect(r.reasons[0]!.message).toMatch(
      /volume per atom 0\.064 Å³ .* is outside \[1, 300\] Å³ \(minVolumePerAtom, maxVolumePerAtom\)/,
    );
    expect(r.reasons[1]!.message).toMatch(/closer than 0\.5 Å \(minDistance;/);
    const thin: Mat3 = [
      [0.3, 0, 0],
      [0, 20, 0],
      [0, 0, 20],
    ];
    expect(codes(Structure.create(thin, ['H'], [[0, 0, 0]]))).toEqual(['too_close']);
    expect(codes(Structure.create(Lattice.cubic(20), ['O'], [[0, 0, 0]]))).toEqual(['volume_per_atom']);
    expect(
      codes(Structure.create(Lattice.cubic(20), ['O'], [[0, 0, 0]]), { maxVolumePerAtom: 10000 }),
    ).toEqual([]);
  });

  it('reports non-finite numbers, unknown elements and degenerate lattices', () => {
    const nan: Structure = { lattice: Lattice.cubic(4), species: ['Fe'], fracCoords: [[0, Number.NaN, 0]] };
    expect(codes(nan)).toEqual(['non_finite']);
    const infLattice: Structure = {
      lattice: [
        [Infinity, 0, 0],
        [0, 4, 0],
        [0, 0, 4],
      ],
      species: ['Fe'],
      fracCoords: [[0, 0, 0]],
    };
    expect(codes(infLattice)).toEqual(['non_finite']);
    const unknown = Structure.create(
      Lattice.cubic(4),
      ['Fe', 'Xx'],
      [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ],
    );
    const r = checkValidity(unknown);
    expect(r.reasons.map((x) => x.code)).toEqual(['unknown_element']);
    expect(r.reasons[0]!.message).toContain('Xx');
    const flat = Structure.create(
      [
        [4, 0, 0],
        [0, 4, 0],
        [4, 4, 0],
      ],
      ['Fe'],
      [[0, 0, 0]],
    );
    expect(codes(flat)).toEqual(['degenerate_lattice']);
    // The near-singular cell of issue 12 (volume 5e-6 Å³): the message names both limits.
    const singular = Structure.create(
      Lattice.fromParameters(5.43, 5.43, 5.43, 120, 120, 120),
      ['Si'],
      [[0, 0, 0]],
    );
    const [reason] = checkValidity(singular).reasons;
    expect(reason!.code).toBe('degenerate_lattice');
    expect(reason!.message).toMatch(
      /volume 0\.000005048 Å³.*needs volume > 1e-8 Å³ and width > minWidthRatio 0\.001/,
    );
    const empty: Structure = { lattice: Lattice.cubic(4), species: [], fracCoords: [] };
    expect(codes(empty)).toEqual(['bad_shape']);
  });
});
