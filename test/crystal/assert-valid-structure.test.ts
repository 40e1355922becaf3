import { describe, expect, it } from 'vitest';
import {
  assertValidStructure,
  COMPUTABLE_LIMITS,
  InvalidStructureError,
  Lattice,
  STRUCTURE_INPUT_LIMITS,
  Structure,
} from '../../crystal/index.js';
import { siliconConventional } from './helpers.js';

const twoSi = (lattice = Lattice.cubic(5.43), second: [number, number, number] = [0, 0, 0]) =>
  Structure.create(lattice, ['Si', 'Si'], [[0, 0, 0], second]);

describe('assertValidStructure', () => {
  it('passes sound crystals and names the file, structure and limit otherwise', () => {
    expect(() => assertValidStructure(siliconConventional())).not.toThrow();
    let caught: unknown;
    try {
      assertValidStructure(twoSi(), { source: 'dup.cif', index: 2 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidStructureError);
    const err = caught as InvalidStructureError;
    expect(err.message).toMatch(
      /^dup\.cif, structure 2: invalid structure \(Si\): too_close: atoms 0 \(Si\) and 1 \(Si\) are 0\.000 Å apart, closer than 0\.5 Å \(minDistance/,
    );
    expect(err.reasons.map((r) => r.code)).toEqual(['too_close']);
    expect([err.source, err.index]).toEqual(['dup.cif', 2]);
  });

  it('uses the DFT engines limits by default: 0.5 Å, 1..1000 Å³ per atom', () => {
    expect(STRUCTURE_INPUT_LIMITS).toEqual({
      minDistance: 0.5,
      minVolumePerAtom: 1,
      maxVolumePerAtom: 1000,
      minWidthRatio: 1e-3,
    });
    const tiny = Structure.create(Lattice.cubic(0.5), ['Si'], [[0, 0, 0]]);
    expect(() => assertValidStructure(tiny, { source: 'tiny.cif' })).toThrow(
      /tiny\.cif: invalid structure \(Si\): volume_per_atom: volume per atom 0\.125 Å³ .*outside \[1, 1000\] Å³/,
    );
    const singular = twoSi(Lattice.fromParameters(5.43, 5.43, 5.43, 120, 120, 120), [0.25, 0.25, 0.25]);
    expect(() => assertValidStructure(singular)).toThrow(/degenerate_lattice: .*minWidthRatio 0\.001/);
  });

  it('COMPUTABLE_LIMITS pass an isolated atom in a box and close contacts, but not coinciding atoms', () => {
    const isolated = Structure.create(Lattice.cubic(30), ['O'], [[0, 0, 0]]);
    expect(() => assertValidStructure(isolated, { limits: COMPUTABLE_LIMITS })).not.toThrow();
    expect(() => assertValidStructure(isolated)).toThrow(/outside \[1, 1000\]/);
    const close = twoSi(Lattice.cubic(5.43), [0.05, 0, 0]); // 0.27 Å
    expect(() => assertValidStructure(close, { limits: COMPUTABLE_LIMITS })).not.toThrow();
    expect(() => assertValidStructure(twoSi(), { limits: COMPUTABLE_LIMITS })).toThrow(/closer than 0\.1 Å/);
  });
});
