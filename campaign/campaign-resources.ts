/**
 * The checks of a campaign configuration that read files, run before its workflow starts (by the
 * CLI) and again by `recordCampaign` on the worker: both models resolve, every element is in the
 * generator's vocabulary, the MLIP card and (QE) the pseudopotential library, and VASP is set up
 * where it is asked for. Every element has a DFT reference (`elemental-references.ts`).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CampaignConfigError,
  campaignElements,
  parseCampaignText,
  type CampaignConfig,
  type ConfigIssue,
} from '../contracts/campaign-config.js';
import { loadSssp } from '../dft/qe/sssp.js';
import { checkVaspSetup, VASP_SETUP_FIX } from '../dft/vasp/vasp-setup.js';
import { cardPathFor, readModelCard, resolveModelPath } from '../models/mlip/index.js';
import {
  generatorCardPath,
  readGeneratorCard,
  readSchedule,
  resolveGeneratorPath,
} from '../models/generator/index.js';

export interface ResolvedModels {
  readonly generatorPath: string;
  readonly mlipPath: string;
}

/**
 * The checks that read files: both models resolve, and every element is in the generator's
 * vocabulary, in the MLIP card and (QE) in the pseudopotential library. Throws
 * {@link CampaignConfigError} listing every problem.
 */
export async function checkCampaignResources(
  c: CampaignConfig,
  options: { readonly pseudoDir?: string | undefined; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<ResolvedModels> {
  const issues: ConfigIssue[] = [];
  const elements = campaignElements(c);
  let generatorPath = '';
  // The built-in prototype generator (generate-candidates.ts) decorates any element.
  if (c.generator.model !== 'prototypes')
    try {
      generatorPath = resolveGeneratorPath(c.generator.model);
      const cardPath = generatorCardPath(generatorPath);
      const card = existsSync(cardPath) ? await readGeneratorCard(cardPath) : undefined;
      const schedule = await readSchedule(
        card?.schedule
          ? join(dirname(cardPath), card.schedule)
          : generatorPath.replace(/\.onnx$/i, '') + '.schedule.json',
      );
      const missing = elements.filter((e) => !schedule.elements.includes(e));
      if (missing.length)
        issues.push({
          field: 'generator.model',
          message: `${c.generator.model} cannot generate ${missing.join(', ')} (not in its vocabulary); choose other chemistry or another generator`,
        });
    } catch (err) {
      issues.push({ field: 'generator.model', message: (err as Error).message });
    }
  let mlipPath = '';
  try {
    mlipPath = await resolveModelPath(c.mlip.model);
    const card = await readModelCard(cardPathFor(mlipPath));
    const missing = elements.filter((e) => !card.elements.includes(e));
    if (missing.length)
      issues.push({
        field: 'mlip.model',
        message: `${card.name} does not support ${missing.join(', ')} (its card lists the elements it was trained on); choose other chemistry or another MLIP`,
      });
  } catch (err) {
    issues.push({ field: 'mlip.model', message: (err as Error).message });
  }
  if (c.dft.engine === 'qe') {
    try {
      const sssp = await loadSssp(options.pseudoDir);
      const missing = elements.filter(
        (e) => !sssp.entries.has(e) || !existsSync(join(sssp.pseudoDir, sssp.entries.get(e)!.filename)),
      );
      if (missing.length)
        issues.push({
          field: 'chemistry',
          message: `no pseudopotential for ${missing.join(', ')} in ${sssp.pseudoDir}; remove these elements or add their UPF files`,
        });
    } catch (err) {
      issues.push({ field: 'dft.engine', message: (err as Error).message });
    }
  }
  if (c.dft.engine === 'vasp') {
    const vasp = checkVaspSetup(options.env);
    if (vasp.problems.length)
      issues.push({
        field: 'dft.engine',
        message: `vasp cannot run on this host: ${vasp.problems.join('; ')}; ${VASP_SETUP_FIX}`,
      });
  }
  if (issues.length) throw new CampaignConfigError(issues);
  return { generatorPath, mlipPath };
}

/** Parses and checks a configuration file's text: what `matdisc campaign start` runs. */
export async function loadCampaignConfig(
  text: string,
  options: { readonly pseudoDir?: string | undefined; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<CampaignConfig> {
  const config = parseCampaignText(text);
  await checkCampaignResources(config, options);
  return config;
}
