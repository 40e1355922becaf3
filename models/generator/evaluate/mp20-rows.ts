/**
 * MP-20 rows (CDVAE CSV format, optionally gzipped) read as structures for the generator
 * evaluation. The shared data folder holds only subsets of MP-20 (see `../shared/data/README.md`).
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { readCif } from '../../../crystal/io/cif.js';
import type { Structure } from '../../../crystal/structure.js';

/** One crystal of an MP-20 split file. */
export interface Mp20Row {
  readonly materialId: string;
  /** `pretty_formula` column (reduced formula). */
  readonly formula: string;
  readonly structure: Structure;
}

/** Reads every row of a CDVAE-style CSV (`.csv` or `.csv.gz`) with its CIF parsed. */
export async function readMp20Rows(file: string): Promise<Mp20Row[]> {
  const bytes = await readFile(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r, i) => {
    const cif = r.cif;
    if (!cif) throw new Error(`${file}: row ${i + 1} has no "cif" column`);
    return Object.freeze({
      materialId: r.material_id ?? `row-${i + 1}`,
      formula: r.pretty_formula ?? '',
      structure: readCif(cif),
    });
  });
}

/**
 * `k` rows chosen without replacement by a seeded shuffle (Fisher-Yates with mulberry32), in
 * their original order, so a subset is reproducible from (file, k, seed).
 */
export function seededSubset<T>(rows: readonly T[], k: number, seed: number): T[] {
  if (k >= rows.length) return [...rows];
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const idx = rows.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, k)
    .sort((x, y) => x - y)
    .map((i) => rows[i]!);
}
