/**
 * The pairs file of `matdisc match --pairs FILE`: two structure paths per line, separated by
 * whitespace; `#` starts a comment (at the start of a line or after whitespace); blank lines are
 * skipped. Relative paths are relative to the pairs file's folder, so a list travels with its
 * structures. A malformed line stops the batch before any comparison, naming the line.
 *
 * ```
 * # polymorphs to check against the reference
 * generated/cand-001.cif  reference/mp-149.cif
 * generated/cand-002.cif  /data/mp/mp-22862.cif
 * ```
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { FilePair } from './match-batch.js';

/** The pairs listed in `text`, the contents of the pairs file `pairsFile`. */
export function parsePairs(text: string, pairsFile: string): FilePair[] {
  const folder = dirname(pairsFile);
  const resolved = (path: string) => (isAbsolute(path) ? path : join(folder, path));
  const pairs: FilePair[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, k) => {
    const fields = line
      .replace(/(^|\s)#.*$/, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (fields.length === 0) return;
    if (fields.length !== 2)
      throw new Error(
        `${pairsFile} line ${k + 1}: expected two paths separated by whitespace, got ${fields.length} ` +
          `(${JSON.stringify(line.trim())}); put one pair per line (paths with spaces are not supported)`,
      );
    pairs.push({ a: resolved(fields[0]!), b: resolved(fields[1]!) });
  });
  if (pairs.length === 0)
    throw new Error(`${pairsFile} lists no pairs: write two structure paths per line ('# …' is a comment)`);
  return pairs;
}

/** Reads and parses a pairs file; a file that cannot be read is an error naming it. */
export async function readPairsFile(pairsFile: string): Promise<FilePair[]> {
  let text: string;
  try {
    text = await readFile(pairsFile, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new Error(
      `--pairs ${pairsFile}: cannot read it (${code}): give a text file with two structure paths per line`,
      { cause: err },
    );
  }
  return parsePairs(text, pairsFile);
}
