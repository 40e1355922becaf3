/**
 * Where the embedded stack keeps its state (Temporal's SQLite file, PGlite's files, DFT work
 * directories). `MATDISC_DATA_DIR` overrides the default `.data/` under the current directory.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** The data dir's absolute path (`--data-dir`, else MATDISC_DATA_DIR, else .data), not created. */
export function dataDirPath(dir?: string): string {
  return resolve(dir ?? process.env.MATDISC_DATA_DIR ?? '.data');
}

export function dataDir(sub?: string): string {
  const root = resolve(process.env.MATDISC_DATA_DIR ?? '.data');
  const dir = sub ? resolve(root, sub) : root;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Cache for built tools (the Temporal CLI); survives `rm -rf .data`. */
export function cacheDir(): string {
  const dir = resolve(process.env.MATDISC_CACHE_DIR ?? resolve(process.env.HOME ?? '.', '.cache', 'matdisc'));
  mkdirSync(dir, { recursive: true });
  return dir;
}
