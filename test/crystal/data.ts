/**
 * Test helpers: locations of the shared reference data (never copied into the repo), CSV loading
 * and a seeded random generator.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute path of a file under the shared data folder (`../shared/data` from the repo root). */
export function dataPath(...parts: string[]): string {
  return path.resolve(repoRoot, '../shared/data', ...parts);
}

/** Absolute path of a file in test/crystal/fixtures. */
export function fixturePath(name: string): string {
  return path.resolve(repoRoot, 'test/crystal/fixtures', name);
}

/** Rows of a CDVAE-style CSV (optionally .gz) as objects keyed by header. */
export function readCsvRows(file: string): Record<string, string>[] {
  const bytes = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

export { rng } from '../helpers/rng.js';
