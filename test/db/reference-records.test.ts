/** Reference CSVs of both layouts: MP-20 (`e_above_hull`) and MPTS-52 (`energy_above_hull`). */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readReferenceRecords, type ReferenceRecord } from '../../db/reference-records.js';

const DATA = resolve(import.meta.dirname, '../../../shared/data');

async function firstRecords(path: string, n: number): Promise<ReferenceRecord[]> {
  const out: ReferenceRecord[] = [];
  for await (const r of readReferenceRecords(path)) {
    if ('structure' in r) out.push(r);
    if (out.length === n) break;
  }
  return out;
}

describe('reference records', () => {
  it.each([
    ['mp_20/pilot_first1000/val.csv.gz', 'e_above_hull'],
    ['mpts_52/val_without_mp20_test.csv.gz', 'energy_above_hull'],
  ])('%s: e_above_hull comes from its %s column', async (file, column) => {
    const path = join(DATA, file);
    const rows = parse(gunzipSync(readFileSync(path)), { columns: true, to: 5 }) as Record<string, string>[];
    const records = await firstRecords(path, 5);
    expect(records.map((r) => r.externalId)).toEqual(rows.map((r) => r.material_id));
    expect(records.map((r) => r.eAboveHullEvPerAtom)).toEqual(rows.map((r) => Number(r[column])));
    expect(records.every((r) => r.eAboveHullEvPerAtom !== null)).toBe(true);
  });
});
