/**
 * The campaign `matdisc demo` runs: Ge-Si, 2 rounds of 11 candidates, the trained MLIP committee
 * `mlearn-committee`, QE test profile, DFT budget 4 (3 in a round, 2 at once), retraining after
 * round 1 — a few minutes on 2 cores. The generator is the built-in prototype generator unless
 * `--generator diffcsp-mp20` asks for the trained diffusion model; that one is used when its file
 * exists and a probe of 4 samples yields a valid structure, else the demo falls back to
 * prototypes, and `generatorNote` says why. Measured (2026-11-28, 2 loaded cores): diffcsp-mp20
 * gives 3/4 valid Ge-Si cells, but pw.x (test profile) had not finished the first of them after
 * 9 minutes, so it is not the default.
 */
import { existsSync } from 'node:fs';
import { parseCampaignConfig } from '../../contracts/campaign-config.js';
import { GeneratorModel, generate, resolveGeneratorPath } from '../../models/generator/index.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';

export const DEMO_SYSTEM = 'Ge-Si';
export const DIFFUSION_GENERATOR = 'diffcsp-mp20';

export interface DemoGeneratorChoice {
  /** 'diffcsp-mp20' or 'prototypes'. */
  readonly model: string;
  /** Why this generator: the probe's result, or why the diffusion model was not used. */
  readonly note: string;
}

export const DEFAULT_DEMO_GENERATOR = 'prototypes';

/** Probes the diffusion generator on the demo's system when asked for; falls back to prototypes. */
export async function chooseDemoGenerator(requested = DEFAULT_DEMO_GENERATOR): Promise<DemoGeneratorChoice> {
  if (requested === 'prototypes')
    return {
      model: 'prototypes',
      note: `built-in prototype generator (the trained ${DIFFUSION_GENERATOR} makes cells that take pw.x minutes each; --generator ${DIFFUSION_GENERATOR} to use it)`,
    };
  if (requested !== DIFFUSION_GENERATOR)
    throw new Error(`--generator: expected prototypes or ${DIFFUSION_GENERATOR}, got ${requested}`);
  let path: string;
  try {
    path = resolveGeneratorPath(DIFFUSION_GENERATOR);
    if (!existsSync(path)) throw new Error(`${path} does not exist`);
  } catch (err) {
    return { model: 'prototypes', note: `${DIFFUSION_GENERATOR} not available (${(err as Error).message})` };
  }
  try {
    const model = await GeneratorModel.load(path);
    try {
      const probe = await generate(model, { kind: 'system', elements: DEMO_SYSTEM.split('-') }, 4, {
        seed: 0,
      });
      const valid = probe.samples.filter((s) => s.valid).length;
      return valid > 0
        ? { model: DIFFUSION_GENERATOR, note: `${DIFFUSION_GENERATOR}: ${valid}/4 valid in a probe` }
        : {
            model: 'prototypes',
            note: `${DIFFUSION_GENERATOR} produced 0/4 valid ${DEMO_SYSTEM} structures in a probe (${[
              ...new Set(probe.samples.flatMap((s) => s.reasons.map((r) => r.code))),
            ].join(', ')}); using the built-in prototype generator`,
          };
    } finally {
      await model.dispose();
    }
  } catch (err) {
    return {
      model: 'prototypes',
      note: `${DIFFUSION_GENERATOR} failed to load or sample: ${(err as Error).message}`,
    };
  }
}

export function demoCampaignConfig(generatorModel: string): CampaignConfig {
  return parseCampaignConfig({
    name: 'demo',
    chemistry: { systems: [DEMO_SYSTEM] },
    rounds: 2,
    candidatesPerRound: 11,
    generator: { model: generatorModel },
    mlip: { model: 'mlearn-committee' },
    relax: { fmax: 0.1, steps: 150 },
    // Wide windows: the demo is about the loop, and the prototypes are far from the hull.
    stability: { maxEAboveHullEvPerAtom: 1 },
    trust: { excludeUntrusted: false },
    acquisition: { strategy: 'ucb', kappa: 1 },
    dft: { profile: 'test', budgetPerRound: 3, budgetTotal: 4, maxConcurrent: 2 },
    retraining: { policy: 'every-round', epochs: 2 },
    roundsPerRun: 2,
  });
}
