/**
 * Campaign configurations for the tests. The runs use the built-in `prototypes` generator (fast
 * and deterministic; the diffusion generator has tests of its own) and the Morse fixture committee. Si cells of 1–2 atoms keep pw.x
 * (test profile) to seconds per calculation.
 */
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import { parseCampaignConfig } from '../../contracts/campaign-config.js';

export const MORSE = 'test/models/mlip/fixtures/morse-committee.onnx';

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
