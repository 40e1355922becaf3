/**
 * Campaign configurations for the tests. The trained generator (`models/generator/diffcsp-mp20`)
 * and MLIP committee (`models/mlip/*.onnx`) are not in the checkout yet, so the runs use the
 * built-in `prototypes` generator (the untrained fixture denoiser yields no valid cell: measured
 * volumes of 1e11–1e13 Å³/atom) and the Morse fixture committee. Si cells of 1–2 atoms keep pw.x
 * (test profile) to seconds per calculation.
 */
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import { parseCampaignConfig } from '../../campaign/campaign-config.js';

export const MORSE = 'test/mlip/fixtures/morse-committee.onnx';

export function siliconCampaign(
  overrides: Partial<Record<keyof CampaignConfig, unknown>> = {},
): CampaignConfig {
  return parseCampaignConfig({
    name: 'si-test',
    chemistry: { systems: ['Si'] },
    rounds: 1,
    candidatesPerRound: 6,
    generator: { model: 'prototypes' },
    mlip: { model: MORSE },
    relax: { fmax: 0.1, steps: 100 },
    stability: { maxEAboveHullEvPerAtom: 100 },
    trust: { excludeUntrusted: false },
    acquisition: { strategy: 'ucb', kappa: 1 },
    dft: { profile: 'test', budgetPerRound: 2, budgetTotal: 2, maxConcurrent: 2 },
    retraining: { policy: 'never' },
    ...overrides,
  });
}
