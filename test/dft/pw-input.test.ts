import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elementalReference } from '../../campaign/elemental-references.js';
import { Lattice } from '../../crystal/lattice.js';
import { isIsolatedInBox } from '../../dft/qe/kpoints.js';
import { fortranReal, renderPwInput } from '../../dft/qe/pw-input.js';
import { resolvePwInput } from '../../dft/qe/pw-parameters.js';
import { QeProfile } from '../../dft/qe/profiles.js';
import { loadSssp } from '../../dft/qe/sssp.js';
import { EngineInputError } from '../../dft/errors.js';
import { Structure } from '../../crystal/structure.js';
import { fcc, fixturesDir, magnesiumOxide, pseudoDir, siliconDiamond } from './helpers.js';

/** Compares with the golden file; `UPDATE_GOLDEN=1` rewrites it instead. */
function expectGolden(name: string, text: string): void {
  const file = join(fixturesDir, 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

async function render(structure: Structure, profile: QeProfile) {
  const { input, resolved } = await resolvePwInput(structure, profile, await loadSssp(pseudoDir));
  return { text: renderPwInput({ ...input, pseudoDir: '/pseudo' }), input, resolved };
}

describe('pw.x input', () => {
  it('an O2 molecule in a box is a spin-polarised triplet sampled at Γ; a crystal keeps its grid', async () => {
    const o2 = elementalReference('O').structure!;
    for (const name of ['test', 'production'] as const) {
      const { input } = await render(o2, QeProfile.named(name, { calculation: 'relax' }));
      expect(input.nspin).toBe(2);
      expect(input.kpoints).toEqual([1, 1, 1]);
      expect(input.species.find((sp) => sp.label === 'O')!.startingMagnetization).toBeGreaterThan(0);
    }
    // N2 is a closed shell: no spin; still Γ only.
    const { input: n2 } = await render(elementalReference('N').structure!, QeProfile.named('production'));
    expect([n2.nspin, n2.kpoints]).toEqual([1, [1, 1, 1]]);
    // Bulk Si is not isolated: the profile's density decides.
    const { input: si } = await render(siliconDiamond(5.43), QeProfile.named('production'));
    expect(si.kpoints.every((n) => n > 1)).toBe(true);
    // A box too small for 6 Å of vacuum is treated as a crystal.
    expect(isIsolatedInBox(Lattice.cubic(6.5), o2.fracCoords)).toBe(false);
    expect(isIsolatedInBox(Lattice.cubic(10), o2.fracCoords)).toBe(true);
  });

  it('renders Si with the test profile (golden text)', async () => {
    const { text, resolved } = await render(siliconDiamond(5.43), QeProfile.named('test'));
    expectGolden('si-test.pw.in', text);
    expect(resolved).toMatchObject({
      ecutwfcRy: 30,
      ecutrhoRy: 240,
      kpoints: [4, 4, 4],
      nspin: 1,
      convThrRy: 2e-9,
    });
  });

  it('renders a spin-polarised vc-relax with starting magnetization on the magnetic species only (golden text)', async () => {
    const nio = Structure.create(
      fcc(4.17),
      ['Ni', 'O'],
      [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ],
    );
    const { text, resolved } = await render(nio, QeProfile.named('test', { calculation: 'vc-relax' }));
    expectGolden('nio-vc-relax.pw.in', text);
    expect(resolved).toMatchObject({ nspin: 2, ecutwfcRy: 50, ecutrhoRy: 400 });
  });

  it('takes the largest SSSP cutoffs of the elements and scales both', async () => {
    const { resolved } = await render(magnesiumOxide(4.21), QeProfile.named('test', { cutoffScale: 1.2 }));
    expect(resolved).toMatchObject({ ecutwfcRy: 60, ecutrhoRy: 480 }); // O: 50/400, Mg: 30/240
  });

  it('refuses fixed occupations for a magnetic structure', async () => {
    const fe = Structure.create(fcc(3.6), ['Fe'], [[0, 0, 0]]);
    await expect(render(fe, QeProfile.named('test', { occupations: 'fixed' }))).rejects.toMatchObject({
      name: 'EngineInputError',
      field: 'occupations',
    });
  });

  it('refuses overlapping atoms and unknown elements before pw.x runs', async () => {
    const overlapping = Structure.create(
      fcc(5.43),
      ['Si', 'Si'],
      [
        [0, 0, 0],
        [0.01, 0, 0],
      ],
    );
    await expect(render(overlapping, QeProfile.named('test'))).rejects.toThrow(/invalid structure: .*apart/);
    const unknown = Structure.create(
      fcc(5.43),
      ['Si', 'Xx'],
      [
        [0, 0, 0],
        [0.25, 0.25, 0.25],
      ],
    );
    const err = await render(unknown, QeProfile.named('test')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineInputError);
    expect(err).toMatchObject({ field: 'structure', element: 'Xx' });
  });
});

describe('fortranReal', () => {
  it.each([
    [30, '30.0'],
    [0.7, '0.7'],
    [0.0275, '0.0275'],
    [1e-8, '1.0d-8'],
    [2.5e-10, '2.5d-10'],
    [9.996e-5, '9.996d-5'],
  ])('%d -> %s', (x, text) => {
    expect(fortranReal(x)).toBe(text);
  });
});
