/**
 * `matdisc predict` runs any number of structures in bounded memory (issue 15 item 4):
 * `MlipModel.predict` cuts a batch into ONNX calls of at most `maxEdgesPerCall` edges, so the peak
 * RSS is set by one call, not by the batch. Before the split, one call on 100 relaxed crystals
 * peaked at 5.7 GB and 1,500 were killed for memory (bench/mlip-memory.ts).
 *
 * 2,000 structures in one extxyz file (the 9 MP-20 cells whose elements mlearn-committee knows,
 * repeated; 21,545 atoms) go through bin/matdisc.js in a child process, as a user runs it.
 * The child's peak RSS is the kernel's own high-water mark (`process.resourceUsage().maxRSS`),
 * written by a module preloaded with `node --import` when the process exits: no polling that could
 * miss a short peak, and no `/usr/bin/time`, which CI images do not always have. Memory is asserted,
 * time is not.
 */
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCif } from '../../../crystal/io/cif.js';
import { writeExtxyz } from '../../../crystal/io/extxyz.js';
import type { Structure } from '../../../crystal/structure.js';
import { dataPath, readCsvRows } from '../../crystal/data.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const MODEL = join(ROOT, 'models', 'mlip', 'mlearn-committee.onnx');
/** Li, Si, Ge, Mo (its card): a small committee, so 2,000 structures take ~10 s. */
const MODEL_ELEMENTS = new Set(
  (JSON.parse(readFileSync(MODEL.replace(/\.onnx$/, '.card.json'), 'utf8')) as { elements: string[] })
    .elements,
);
const STRUCTURES = 2000;
/**
 * Limit on the child's peak RSS, MB. This command on these cells, on 2 cores: 190 MB at 100
 * structures, 188 MB at 400, 215 MB at 2,000 (up to 249 MB on a similar set under load), so about
 * twice the 2,000-structure peak. It catches a lost split: calls of 44,000 edges instead of the default
 * (about 1,000 atoms each) took this run to 1,144 MB, and one unsplit call (`maxEdgesPerCall:
 * Infinity`) on the first 100 of these structures (1,075 atoms) peaked at 692 MB, on 400 (4,294
 * atoms) at 4.8 GB: the memory of a call grows with atoms × edges.
 */
const PEAK_RSS_LIMIT_MB = 500;

/** The MP-20 cells (biternary test and val, deduplicated) made only of `MODEL_ELEMENTS`. */
function knownCells(): Structure[] {
  const byId = new Map<string, Structure>();
  for (const split of ['test', 'val']) {
    for (const row of readCsvRows(dataPath('mp_20', 'biternary', `${split}.csv.gz`))) {
      const elements = JSON.parse(row.elements!.replaceAll("'", '"')) as string[];
      if (!elements.every((e) => MODEL_ELEMENTS.has(e)) || byId.has(row.material_id!)) continue;
      byId.set(row.material_id!, readCif(row.cif!, { source: `biternary/${split}:${row.material_id}` }));
    }
  }
  return [...byId.values()];
}

interface PredictRow {
  readonly energy_ev: number;
  readonly energy_per_atom_ev: number;
}

describe('matdisc predict on 2,000 structures', () => {
  let dir: string;
  let cells: Structure[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-predict-memory-'));
    cells = knownCells();
    // The biternary splits hold 9 such cells (3 to 18 atoms); another count means the data or the
    // filter changed, and the measurements above were not made on them.
    expect(cells.length).toBe(9);
    const frames = Array.from({ length: STRUCTURES }, (_, k) => ({ structure: cells[k % cells.length]! }));
    writeFileSync(join(dir, 'many.extxyz'), writeExtxyz(frames));
    writeFileSync(
      join(dir, 'peak-rss.mjs'),
      "import { writeFileSync } from 'node:fs';\n" +
        `process.on('exit', () => writeFileSync(${JSON.stringify(join(dir, 'peak-rss-kb'))}, ` +
        'String(process.resourceUsage().maxRSS)));\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`gives every structure a finite energy, in input order, under ${PEAK_RSS_LIMIT_MB} MB peak RSS`, async () => {
    const run = await execa(
      'node',
      [
        '--import',
        pathToFileURL(join(dir, 'peak-rss.mjs')).href,
        join(ROOT, 'bin', 'matdisc.js'),
        'predict',
        join(dir, 'many.extxyz'),
        '--model',
        MODEL,
        '--device',
        'cpu',
        '--json',
      ],
      { cwd: ROOT, reject: false, timeout: 170_000, maxBuffer: 64 * 1024 * 1024 },
    );
    // Killed for memory or by the timeout: no exit code 0, and stderr says which.
    expect(run.exitCode, `${run.signal ?? ''} ${String(run.stderr).slice(-2000)}`).toBe(0);

    const rows = JSON.parse(String(run.stdout)) as PredictRow[];
    expect(rows).toHaveLength(STRUCTURES);
    const notFinite = rows.flatMap((r, k) => (Number.isFinite(r.energy_ev) ? [] : [k]));
    expect(notFinite, 'structures without a finite energy').toEqual([]);
    // Structure k is cell k mod 9, and the 2,000 (21,545 atoms) run in some 200 ONNX calls: a
    // result out of order would carry another cell's energy per atom.
    for (const [k, r] of rows.entries()) {
      expect(r.energy_per_atom_ev).toBeCloseTo(rows[k % cells.length]!.energy_per_atom_ev, 4);
    }

    const peakRssMb = Number(readFileSync(join(dir, 'peak-rss-kb'), 'utf8')) / 1024;
    expect(peakRssMb).toBeGreaterThan(0);
    expect(peakRssMb, `peak RSS ${peakRssMb.toFixed(0)} MB for ${STRUCTURES} structures`).toBeLessThan(
      PEAK_RSS_LIMIT_MB,
    );
  }, 180_000);
});
