/**
 * MLIP elemental references (campaign/mlip-elemental-reference.ts) on the universal committee: a
 * molecular element's μ is its molecule's energy, not that of a prototype cell the MLIP collapses
 * (fcc F reached −10²⁴ eV/atom and put every F compound 10²⁴ eV/atom above the hull); a solid's μ
 * is its lowest cell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlipElementalReferenceEnergy } from '../../campaign/mlip-elemental-reference.js';
import { elementalReference } from '../../campaign/elemental-references.js';
import { MlipModel } from '../../models/mlip/index.js';
import { relax, StopReason } from '../../models/relax/index.js';
import { elementalPrototypes } from '../../models/prototypes/prototype-generator.js';
import { join } from 'node:path';
import { REPO_ROOT } from '../../cli/paths.js';

const options = { fmax: 0.1, steps: 100 };

describe('MLIP elemental references', () => {
  let model: MlipModel;
  beforeAll(async () => {
    model = await MlipModel.load(join(REPO_ROOT, 'models/mlip/universal-committee.onnx'), {
      executionProviders: 'cpu',
    });
  }, 60_000);
  afterAll(() => model.dispose());

  it('F: the F2 molecule in its box, although fcc F collapses under the MLIP', async () => {
    const fcc = elementalPrototypes('F').find((p) => p.structure.species.length === 1)!.structure;
    const [collapsed] = await relax(model, [fcc], options);
    expect(collapsed!.stopReason).toBe(StopReason.unphysical);
    const mu = await mlipElementalReferenceEnergy(model, 'F', [], options);
    const [molecule] = await relax(model, [elementalReference('F').structure!], {
      ...options,
      relaxCell: false,
    });
    expect(mu).toBeCloseTo(molecule!.energyPerAtomEv, 6);
    // PBE's F2 is about −1.9 eV/atom on MPtrj's scale; a collapsed cell is 10²² or more below.
    expect(mu).toBeGreaterThan(-5);
    expect(mu).toBeLessThan(0);
  }, 120_000);

  it('Li: the lowest of its solid cells (bcc and the prototypes), below each single one', async () => {
    const mu = await mlipElementalReferenceEnergy(model, 'Li', [], options);
    const [bcc] = await relax(model, [elementalReference('Li').structure!], options);
    expect(mu).toBeLessThanOrEqual(bcc!.energyPerAtomEv + 1e-9);
    expect(bcc!.energyPerAtomEv - mu).toBeLessThan(0.05);
  }, 120_000);
});
