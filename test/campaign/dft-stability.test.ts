/**
 * The DFT stability and MLIP-error arithmetic of the round summary (activities/campaign/
 * dft-stability.ts) on hand numbers, the elemental ground-state table, and the configuration
 * check that rejects elements without a DFT reference.
 */
import { describe, expect, it } from 'vitest';
import { checkCampaignResources } from '../../campaign/campaign-resources.js';
import {
  compositionOf,
  dftStability,
  forceMaeEvPerA,
  meanAbsoluteError,
  mlipFormationEnergyPerAtom,
} from '../../campaign/dft-stability.js';
import {
  MOLECULE_BOX_EDGE_A,
  elementalGroundState,
  elementalReference,
} from '../../campaign/elemental-references.js';
import { Lattice } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { siliconCampaign } from './fixtures.js';

// μ^DFT (eV/atom), made up on a QE-like scale.
const mu = { Si: -10, Ge: -20 };
const e = (id: string, species: string[], energyEv: number) => ({
  id,
  composition: compositionOf(species),
  energyEv,
});
// Formation energies (eV/atom) by hand: E_f = (E − Σ n μ) / N.
const refSi = e('ref-Si', ['Si', 'Si'], -20); // 0
const refGe = e('ref-Ge', ['Ge', 'Ge'], -40); // 0
const siGe = e('SiGe', ['Si', 'Ge'], -30.2); // (−30.2 + 30) / 2 = −0.1: on the hull
const siDiamond = e('Si-candidate', ['Si', 'Si'], -20); // 0: the reference itself
const siFcc = e('Si-fcc', ['Si'], -9.5); // +0.5
const si3Ge = e('Si3Ge', ['Si', 'Si', 'Si', 'Ge'], -50.1); // (−50.1 + 50) / 4 = −0.025; hull at x_Ge = 1/4: −0.05
const moSi = e('MoSi', ['Mo', 'Si'], -15); // no μ for Mo

describe('DFT stability on hand numbers', () => {
  it('formation energies and e_above_hull against references + every label at the level', async () => {
    const labelled = [refSi, refGe, siGe, siDiamond, siFcc, si3Ge, moSi];
    const r = await dftStability([siDiamond, siFcc, si3Ge, siGe, moSi], labelled, [], mu);
    expect(r.get('Si-candidate')).toEqual({ formationEnergyPerAtomEv: 0, eAboveHullEvPerAtom: 0 });
    expect(r.get('Si-fcc')!.formationEnergyPerAtomEv).toBeCloseTo(0.5, 12);
    expect(r.get('Si-fcc')!.eAboveHullEvPerAtom).toBeCloseTo(0.5, 9);
    expect(r.get('SiGe')!.formationEnergyPerAtomEv).toBeCloseTo(-0.1, 12);
    expect(r.get('SiGe')!.eAboveHullEvPerAtom).toBe(0);
    expect(r.get('Si3Ge')!.formationEnergyPerAtomEv).toBeCloseTo(-0.025, 12);
    expect(r.get('Si3Ge')!.eAboveHullEvPerAtom).toBeCloseTo(0.025, 9);
    // No reference for Mo: not assessed, and not on anyone's hull.
    expect(r.has('MoSi')).toBe(false);
  });

  it('stored reference phases (formation energies at the same level) join the hull', async () => {
    const siGe3 = e('SiGe3', ['Si', 'Ge', 'Ge', 'Ge'], -70.24); // (−70.24 + 70) / 4 = −0.06
    const known = [{ id: 'SiGe3-known', composition: { Si: 1, Ge: 3 }, formationEnergyPerAtomEv: -0.09 }];
    const without = await dftStability([siGe3], [refSi, refGe, siGe, siGe3], [], mu);
    // Hull at x_Ge = 3/4 without the known phase: halfway SiGe (−0.1) – Ge (0) = −0.05, and SiGe3 is below it.
    expect(without.get('SiGe3')!.eAboveHullEvPerAtom).toBe(0);
    const withKnown = await dftStability([siGe3], [refSi, refGe, siGe, siGe3], known, mu);
    expect(withKnown.get('SiGe3')!.eAboveHullEvPerAtom).toBeCloseTo(0.03, 9);
  });

  it('a lower elemental polymorph than the reference becomes the hull terminal', async () => {
    const lower = e('Si-lower', ['Si'], -10.01); // E_f = −0.01
    const r = await dftStability([siDiamond, lower], [refSi, siDiamond, lower], [], { Si: -10 });
    expect(r.get('Si-lower')!.eAboveHullEvPerAtom).toBe(0);
    expect(r.get('Si-candidate')!.eAboveHullEvPerAtom).toBeCloseTo(0.01, 9);
  });
});

describe('MLIP error on formation energies and forces, by hand', () => {
  // μ^MLIP on another code's scale (VASP-like): totals differ from DFT's by ~10 eV/atom.
  const muMlip = { Si: -5.4, Ge: -4.5 };

  it('per-element offsets cancel: the error is on E_f only', () => {
    // SiGe: (−10.1 − (−5.4 − 4.5)) / 2 = −0.1, DFT −0.1: error 0 although the totals differ by 20 eV.
    const a = mlipFormationEnergyPerAtom({ Si: 1, Ge: 1 }, -10.1, muMlip)!;
    expect(a).toBeCloseTo(-0.1, 12);
    // Si3Ge: (−20.9 − (3·−5.4 − 4.5)) / 4 = −0.05, DFT −0.025: error 25 meV/atom.
    const b = mlipFormationEnergyPerAtom({ Si: 3, Ge: 1 }, -20.9, muMlip)!;
    expect(b).toBeCloseTo(-0.05, 12);
    const mae = meanAbsoluteError([
      [a, -0.1],
      [b, -0.025],
    ])!;
    expect(1000 * mae).toBeCloseTo(12.5, 9);
    expect(mlipFormationEnergyPerAtom({ Mo: 1, Si: 1 }, -10, muMlip)).toBeNull();
    expect(meanAbsoluteError([])).toBeNull();
  });

  it('force MAE is over all 3N components, eV/Å', () => {
    const mae = forceMaeEvPerA(
      [
        [0.1, 0, 0],
        [-0.1, 0, 0],
      ],
      [
        [0.2, 0, 0],
        [-0.2, 0, 0],
      ],
    );
    expect(mae).toBeCloseTo(0.2 / 6, 12);
    expect(forceMaeEvPerA([[0, 0, 0]], [])).toBeNull();
  });
});

describe('elemental ground states', () => {
  it('builds the documented prototypes with experimental lattice constants', () => {
    const si = elementalGroundState('Si')!;
    expect(si.prototype).toBe('diamond');
    expect(si.structure.species).toEqual(['Si', 'Si']);
    expect(Structure.volume(si.structure)).toBeCloseTo(5.431 ** 3 / 4, 6);
    const cu = elementalGroundState('Cu')!;
    expect([cu.prototype, Structure.volume(cu.structure)]).toEqual([
      'fcc',
      expect.closeTo(3.615 ** 3 / 4, 6),
    ]);
    const mo = elementalGroundState('Mo')!;
    expect([mo.prototype, Structure.volume(mo.structure)]).toEqual([
      'bcc',
      expect.closeTo(3.147 ** 3 / 2, 6),
    ]);
    const ti = elementalGroundState('Ti')!;
    expect(ti.prototype).toBe('hcp');
    expect(Structure.volume(ti.structure)).toBeCloseTo((Math.sqrt(3) / 2) * 2.951 ** 2 * 4.686, 6);
    expect(elementalGroundState('O')).toBeUndefined();
  });

  it('every element has a reference: solid, molecule in a box, atom, or a phase from the reference data', () => {
    expect(elementalReference('Si')).toMatchObject({ kind: 'solid', calculation: 'vc-relax' });
    const o2 = elementalReference('O');
    expect(o2).toMatchObject({ kind: 'molecule', calculation: 'relax' });
    expect(o2.structure!.species).toEqual(['O', 'O']);
    expect(o2.structure!.lattice).toEqual(Lattice.cubic(MOLECULE_BOX_EDGE_A));
    const [a, b] = o2.structure!.fracCoords.map((f) => Lattice.toCartesian(o2.structure!.lattice, f));
    expect(Math.hypot(a![0] - b![0], a![1] - b![1], a![2] - b![2])).toBeCloseTo(1.208, 9);
    expect(elementalReference('Ar')).toMatchObject({ kind: 'atom', calculation: 'scf' });
    expect(elementalReference('Ga')).toMatchObject({ kind: 'reference-data', calculation: 'vc-relax' });
    expect(elementalReference('Ga').structure).toBeUndefined();
    // Br and I prefer a crystal from the data to the molecule.
    const crystal = { structure: elementalGroundState('Cu')!.structure, source: 'test:phase' };
    expect(elementalReference('I', crystal)).toMatchObject({ kind: 'reference-data', source: 'test:phase' });
    expect(elementalReference('N', crystal)).toMatchObject({ kind: 'molecule' });
  });

  it('an oxide is accepted: O has a DFT reference (a molecule in a box)', async () => {
    const models = await checkCampaignResources(siliconCampaign({ chemistry: { systems: ['O-Si'] } }));
    expect(models.mlipPath).toMatch(/morse-committee\.onnx$/);
  });
});
