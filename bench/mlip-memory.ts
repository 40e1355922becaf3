/**
 * Peak memory of `MlipModel.predict` against the number of structures (issue #15): the first N
 * MP-20 rows whose elements the model knows (default: sevennet-0 on the first N rows of MP-20's
 * training split; rows are repeated when fewer than N fit), each N in a fresh process, so the peak
 * RSS is that call's. Calls are split at `maxEdgesPerCall` (default 3,000 edges; `--max-edges N`
 * tries another), so the peak should stay flat as N grows; before the split one call on 100 relaxed crystals (≈ 800 atoms)
 * peaked at 5.7 GB and 1,500 were killed for memory. The goal of issue #15 is a peak of at most
 * 1 GB per 1,000 atoms in a batch on CPU: the last column.
 * test/models/mlip/predict-memory-bound.test.ts holds `matdisc predict` on 2,000 structures to a
 * limit taken from this bench (mlearn-committee on the biternary cells below).
 *
 *   npx tsx bench/mlip-memory.ts [--sizes 100,400] [--model models/mlip/sevennet-0.onnx] [--max-edges N]
 *
 * Measured (2026-12-07, 2 cores), sevennet-0 at the 3,000-edge default: 100 structures (1,022
 * atoms) 849 MB, 830 MB per 1,000 atoms; 400 (4,167 atoms) 982 MB, 236 MB per 1,000 atoms. At
 * 5,000 edges: 1,299 and 1,385 MB.
 *   npx tsx bench/mlip-memory.ts --sizes 100,400,2000 --model models/mlip/mlearn-committee.onnx \
 *     --data ../shared/data/mp_20/biternary/test.csv.gz,../shared/data/mp_20/biternary/val.csv.gz
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { readCif } from '../crystal/io/cif.js';
import { MlipModel } from '../models/mlip/index.js';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const modelPath = resolve(args.get('--model') || 'models/mlip/sevennet-0.onnx');
const dataFiles = (
  args.get('--data') || resolve(import.meta.dirname, '../../shared/data/mp_20/pilot_first1000/train.csv.gz')
)
  .split(',')
  .map((f) => resolve(f));
/** Edges per ONNX call (`MlipModelOptions.maxEdgesPerCall`); default the model's. */
const maxEdges = args.get('--max-edges');

if (args.has('--child')) {
  const n = Number(args.get('--child'));
  const model = await MlipModel.load(modelPath, maxEdges ? { maxEdgesPerCall: Number(maxEdges) } : {});
  const known = new Set(model.card.elements);
  const ids = new Set<string>();
  const cifs: string[] = [];
  for (const file of dataFiles) {
    const rows = parse(gunzipSync(readFileSync(file)).toString('utf8'), { columns: true }) as {
      material_id: string;
      elements: string;
      cif: string;
    }[];
    for (const r of rows) {
      if (cifs.length === n) break;
      const elements = JSON.parse(r.elements.replaceAll("'", '"')) as string[];
      if (elements.every((e) => known.has(e)) && !ids.has(r.material_id)) {
        ids.add(r.material_id);
        cifs.push(r.cif);
      }
    }
  }
  if (cifs.length === 0)
    throw new Error(`no row of ${dataFiles.join(', ')} is made of ${model.name}'s elements`);
  const cells = cifs.map((cif) => readCif(cif));
  const structures = Array.from({ length: n }, (_, k) => cells[k % cells.length]!);
  const t0 = performance.now();
  await model.predict(structures);
  const atoms = structures.reduce((a, s) => a + s.species.length, 0);
  console.log(
    JSON.stringify({
      n,
      cells: cells.length,
      atoms,
      s: (performance.now() - t0) / 1000,
      peakMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const sizes = (args.get('--sizes') || '100,400').split(',').map(Number);
  console.log(`${modelPath}, ${dataFiles.join(', ')}${maxEdges ? `, ${maxEdges} edges per call` : ''}`);
  console.log(
    '| structures | distinct cells | atoms | predict (s) | peak RSS (MB) | peak RSS per 1,000 atoms (MB) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const n of sizes) {
    const run = await execa('npx', [
      'tsx',
      import.meta.filename,
      '--model',
      modelPath,
      '--data',
      dataFiles.join(','),
      ...(maxEdges ? ['--max-edges', maxEdges] : []),
      '--child',
      String(n),
    ]);
    const r = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      n: number;
      cells: number;
      atoms: number;
      s: number;
      peakMb: number;
    };
    const perKiloAtomMb = r.peakMb / (r.atoms / 1000);
    console.log(
      `| ${r.n} | ${r.cells} | ${r.atoms} | ${r.s.toFixed(1)} | ${r.peakMb.toFixed(0)} | ${perKiloAtomMb.toFixed(0)} |`,
    );
  }
}
