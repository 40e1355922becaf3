/** Locations of the repository and of inputs that have documented defaults. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * SSSP pseudopotentials: `PSEUDO_DIR`, else the copy beside a development checkout
 * (`../shared/data/pseudos/SSSP_1.3.0_PBE_efficiency`), else undefined.
 */
export function pseudoDir(): string | undefined {
  if (process.env.PSEUDO_DIR) return resolve(process.env.PSEUDO_DIR);
  const beside = resolve(REPO_ROOT, '..', 'shared', 'data', 'pseudos', 'SSSP_1.3.0_PBE_efficiency');
  return existsSync(beside) ? beside : undefined;
}
