/**
 * MP-20 rows for the matcher and fingerprint tests, read from the shared data folder (never
 * copied into the repo): gzip CSVs with a `cif` column, as CDVAE distributes them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { readCif } from '../../../crystal/io/cif.js';
import type { Structure } from '../../../crystal/structure.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** One MP-20 row with its structure. */
export interface Mp20Entry {
  readonly materialId: string;
  /** `pretty_formula`: the reduced formula. */
  readonly formula: string;
  readonly spaceGroup: number;
  /** Parsed from the row's CIF on first use. */
  readonly structure: Structure;
}

/** Entries of `../shared/data/mp_20/<file>.csv.gz`, e.g. 'pilot_first1000/test' or 'biternary/val'. */
export function readMp20(file: string): Mp20Entry[] {
  const bytes = readFileSync(path.resolve(repoRoot, '../shared/data/mp_20', `${file}.csv.gz`));
  const rows = parse(gunzipSync(bytes).toString('utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return rows.map((r) => {
    let structure: Structure | undefined;
    return {
      materialId: r.material_id!,
      formula: r.pretty_formula!,
      spaceGroup: Number(r['spacegroup.number']),
      get structure() {
        structure ??= readCif(r.cif!, { source: `${file}:${r.material_id}` });
        return structure;
      },
    };
  });
}

/** Pairs (i < j) of entries with the same reduced formula and different material ids. */
export function polymorphPairs(entries: readonly Mp20Entry[]): [Mp20Entry, Mp20Entry][] {
  const byFormula = new Map<string, Mp20Entry[]>();
  for (const e of entries) byFormula.set(e.formula, [...(byFormula.get(e.formula) ?? []), e]);
  const pairs: [Mp20Entry, Mp20Entry][] = [];
  for (const group of byFormula.values())
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++)
        if (group[i]!.materialId !== group[j]!.materialId) pairs.push([group[i]!, group[j]!]);
  return pairs;
}
