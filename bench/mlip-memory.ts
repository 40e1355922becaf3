/**
 * Peak memory of `MlipModel.predict` against the number of structures (issue #15): sevennet-0 on
 * the first N rows of MP-20's training split, each N in a fresh process, so the peak RSS is that
 * call's. Calls are split at `maxEdgesPerCall` (default 5,000 edges), so the peak should stay flat
 * as N grows; before the split one call on 100 relaxed crystals (≈ 800 atoms) peaked at 5.7 GB and
 * 1,500 were killed for memory.
 *
 *   npx tsx bench/mlip-memory.ts [--sizes 100,400] [--model models/mlip/sevennet-0.onnx]
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
const data = resolve(import.meta.dirname, '../../shared/data/mp_20/pilot_first1000/train.csv.gz');

if (args.has('--child')) {
  const n = Number(args.get('--child'));
  const rows = parse(gunzipSync(readFileSync(data)).toString('utf8'), { columns: true }) as { cif: string }[];
  const structures = rows.slice(0, n).map((r) => readCif(r.cif));
  const model = await MlipModel.load(modelPath);
  const t0 = performance.now();
  await model.predict(structures);
  const atoms = structures.reduce((a, s) => a + s.species.length, 0);
  console.log(
    JSON.stringify({
      n,
      atoms,
      s: (performance.now() - t0) / 1000,
      peakMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const sizes = (args.get('--sizes') || '100,400').split(',').map(Number);
  console.log('| structures | atoms | predict (s) | peak RSS (MB) |');
  console.log('|---|---|---|---|');
  for (const n of sizes) {
    const run = await execa('npx', ['tsx', import.meta.filename, '--model', modelPath, '--child', String(n)]);
    const r = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      n: number;
      atoms: number;
      s: number;
      peakMb: number;
    };
    console.log(`| ${r.n} | ${r.atoms} | ${r.s.toFixed(1)} | ${r.peakMb.toFixed(0)} |`);
  }
}
