/**
 * A pseudopotential folder for the tests: the SSSP JSON and UPF files of PSEUDO_DIR, symlinked,
 * without the UPF files of `missing` elements. The QE engine rejects a structure with such an
 * element (`EngineInputError`), which the DFT activity stores as a failed calculation.
 */
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function pseudoDirWithout(missing: readonly string[]): string {
  const source = process.env.PSEUDO_DIR;
  if (!source) throw new Error('PSEUDO_DIR is not set (vitest.config.ts sets it)');
  const files = readdirSync(source);
  const json = files.find((f) => /^SSSP_.*\.json$/.test(f) && !f.includes('f_block'));
  if (!json) throw new Error(`no SSSP_*.json in ${source}`);
  const entries = JSON.parse(readFileSync(join(source, json), 'utf8')) as Record<
    string,
    { filename: string }
  >;
  const dropped = new Set(missing.map((el) => entries[el]?.filename).filter(Boolean));
  const dir = mkdtempSync(join(tmpdir(), 'matdisc-pseudo-'));
  for (const f of files) if (!dropped.has(f)) symlinkSync(join(source, f), join(dir, f));
  return dir;
}
