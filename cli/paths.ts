/** Locations of the repository and of inputs that have documented defaults. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The reference data beside a development checkout: `../shared/data`. */
const SHARED_DATA_BESIDE = resolve(REPO_ROOT, '..', 'shared', 'data');

/**
 * SSSP pseudopotentials: `PSEUDO_DIR`, else the copy beside a development checkout
 * (`../shared/data/pseudos/SSSP_1.3.0_PBE_efficiency`), else undefined.
 */
export function pseudoDir(): string | undefined {
  if (process.env.PSEUDO_DIR) return resolve(process.env.PSEUDO_DIR);
  const beside = resolve(SHARED_DATA_BESIDE, 'pseudos', 'SSSP_1.3.0_PBE_efficiency');
  return existsSync(beside) ? beside : undefined;
}

/** The reference data folder: `MATDISC_SHARED_DATA`, else `../shared/data` beside the checkout, if it exists. */
export function sharedDataDir(): string | undefined {
  const dir = process.env.MATDISC_SHARED_DATA ? resolve(process.env.MATDISC_SHARED_DATA) : SHARED_DATA_BESIDE;
  return existsSync(dir) ? dir : undefined;
}
