/**
 * The size guard of every DFT entry point (`matdisc dft`, the campaign's DFT activity, anything
 * that calls `runCalculation`): a cell of thousands of sites would run for days, if it fits in
 * memory at all, so it is refused before a directory is written. The limit is
 * {@link DEFAULT_MAX_DFT_SITES} unless lifted with `MATDISC_DFT_MAX_SITES` (on the host that runs
 * the calculation, e.g. the DFT workers) or `matdisc dft --max-sites N`.
 *
 * ```ts
 * checkDftSize(structure, maxDftSites()); // throws EngineInputError for 5000 sites
 * ```
 */
import type { Structure } from '../crystal/structure.js';
import { EngineInputError, EngineSetupError } from './errors.js';

export const DEFAULT_MAX_DFT_SITES = 500;
export const MAX_DFT_SITES_ENV = 'MATDISC_DFT_MAX_SITES';

/** The limit in force: `MATDISC_DFT_MAX_SITES` when set, else the default. */
export function maxDftSites(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[MAX_DFT_SITES_ENV]?.trim();
  if (!text) return DEFAULT_MAX_DFT_SITES;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new EngineSetupError(
      `${MAX_DFT_SITES_ENV}=${JSON.stringify(text)}: expected a whole number of sites ≥ 1, e.g. ${MAX_DFT_SITES_ENV}=2000`,
      { engine: null },
    );
  return n;
}

/** Throws `EngineInputError` (field 'structure') when the cell has more than `maxSites` sites. */
export function checkDftSize(structure: Structure, maxSites: number, engine = 'dft'): void {
  const sites = structure.species.length;
  if (sites <= maxSites) return;
  throw new EngineInputError(
    `the structure has ${sites} sites, more than the DFT limit of ${maxSites}; ` +
      `lift it with ${MAX_DFT_SITES_ENV}=${sites} (on the host that runs DFT) or matdisc dft --max-sites ${sites}`,
    { engine, field: 'structure' },
  );
}
