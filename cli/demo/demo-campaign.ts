/**
 * The campaign `matdisc demo` runs: the diffusion generator `diffcsp-mp20` proposes Li-F crystals,
 * the default universal MLIP committee relaxes and ranks them, pw.x (test profile) computes the
 * best three and the Li and F references, and the DFT hull decides. Li-F is chosen because its
 * known stable phase (rocksalt LiF, mp-1138) is an MP-20 test row, so the generator never saw the
 * system (`known-phases.ts` reads that answer key; nothing of it is imported into the campaign),
 * and because its cells and references are cheap for pw.x (a 2-atom primitive cell after
 * symmetrisation, bcc Li, an F₂ molecule): the whole demo fits in 10 minutes on 2 cores.
 *
 * The generator falls back to the built-in prototype enumerator, with a note saying why, only when
 * the diffusion model's file is missing or yields no valid Li-F structure in a probe of 4 samples.
 */
import { existsSync } from 'node:fs';
import { parseCampaignConfig } from '../../contracts/campaign-config.js';
import { GeneratorModel, generate, resolveGeneratorPath } from '../../models/generator/index.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';

export const DEMO_SYSTEM = 'Li-F';
export const DIFFUSION_GENERATOR = 'diffcsp-mp20';
const PROTOTYPES = 'prototypes';

export interface DemoGeneratorChoice {
  /** 'diffcsp-mp20' or 'prototypes'. */
  readonly model: string;
  /** Why this generator: the probe's result, or why the diffusion model was not used. */
  readonly note: string;
}

/** The diffusion generator when it loads and samples a valid structure of the demo's system, else prototypes. */
export async function chooseDemoGenerator(): Promise<DemoGeneratorChoice> {
  const fallback = (why: string) => ({
    model: PROTOTYPES,
    note: `${why}; using the built-in prototype generator instead`,
  });
  let path: string;
  try {
    path = resolveGeneratorPath(DIFFUSION_GENERATOR);
    if (!existsSync(path)) throw new Error(`${path} does not exist`);
  } catch (err) {
    return fallback(`${DIFFUSION_GENERATOR} is not available (${(err as Error).message})`);
  }
  try {
    const model = await GeneratorModel.load(path);
    try {
      const probe = await generate(model, { kind: 'system', elements: DEMO_SYSTEM.split('-') }, 4, {
        seed: 0,
        steps: 100,
      });
      const valid = probe.samples.filter((s) => s.valid).length;
      return valid > 0
        ? {
            model: DIFFUSION_GENERATOR,
            note: `diffusion model ${DIFFUSION_GENERATOR} (${valid}/4 valid in a probe)`,
          }
        : fallback(
            `${DIFFUSION_GENERATOR} produced 0/4 valid ${DEMO_SYSTEM} structures in a probe (${[
              ...new Set(probe.samples.flatMap((s) => s.reasons.map((r) => r.code))),
            ].join(', ')})`,
          );
    } finally {
      await model.dispose();
    }
  } catch (err) {
    return fallback(`${DIFFUSION_GENERATOR} failed to load or sample: ${(err as Error).message}`);
  }
}

export function demoCampaignConfig(generatorModel: string): CampaignConfig {
  return parseCampaignConfig({
    name: 'demo',
    // Cells of 4 atoms (two formula units of LiF): room for the AB polymorphs (rock salt, CsCl,
    // zincblende, wurtzite, layered ones), and pw.x needs seconds for each.
    chemistry: { systems: [DEMO_SYSTEM], natoms: 4 },
    rounds: 2,
    candidatesPerRound: 16,
    // The campaign default of 100 respaced steps; the MLIP is the default universal committee,
    // retrained on round 1's labels for round 2.
    generator: { model: generatorModel },
    relax: { fmax: 0.1, steps: 150 },
    dft: { profile: 'test', budgetPerRound: 3, budgetTotal: 5, maxConcurrent: 2 },
    retraining: { policy: 'every-round', maxMinutes: 2 },
  });
}
