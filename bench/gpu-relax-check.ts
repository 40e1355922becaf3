/**
 * GPU check: batched relaxations per second with one MLIP on the CUDA execution provider versus the
 * CPU, for the same MP-20 cells, with the same code as `matdisc relax` (FIRE + FrechetCellFilter,
 * one ONNX call per step for every structure still running). Prints a table, and with --out writes
 * the numbers as JSON. Run it through bench/gpu-relax-check.sh, which installs the CUDA provider
 * and sets LD_LIBRARY_PATH before Node starts (the dynamic loader reads it only then).
 *
 *   npx tsx bench/gpu-relax-check.ts [--n 32] [--model sevennet-0] [--steps 200] [--fmax 0.05]
 *       [--max-seconds 150] [--cpu-only] [--csv FILE] [--out FILE.json]
 *
 * Each device's relaxation stops after --max-seconds (then `relaxations/s` counts the finished
 * ones); `evals/s` (structure evaluations per second: each running structure once per step) is
 * the rate to compare when a run was cut.
 *
 * The CUDA row says which provider the session really got: without a GPU, driver or CUDA libraries
 * the pool falls back to the CPU and the row reads `cpu (fallback: reason)`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { readCif } from '../crystal/io/cif.js';
import type { Structure } from '../crystal/structure.js';
import { clearSessionPool, MlipModel, resolveModelPath } from '../models/mlip/index.js';
import { relaxSteps } from '../models/relax/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, fallback: string) => {
  const at = argv.lastIndexOf(name);
  return at >= 0 && at + 1 < argv.length ? argv[at + 1]! : fallback;
};
const n = Number(option('--n', '32'));
const modelName = option('--model', 'sevennet-0');
const steps = Number(option('--steps', '200'));
const fmax = Number(option('--fmax', '0.05'));
const maxSeconds = Number(option('--max-seconds', '150'));
const cpuOnly = flag('--cpu-only');
const out = option('--out', '');
const csvCandidates = [
  option('--csv', ''),
  process.env.MP20_CSV ?? '',
  resolve(ROOT, 'shared', 'data', 'mp_20', 'pilot_first1000', 'val.csv.gz'),
  resolve(ROOT, '..', 'shared', 'data', 'mp_20', 'pilot_first1000', 'val.csv.gz'),
].filter((p) => p !== '');

interface Row {
  readonly asked: 'cpu' | 'cuda';
  readonly provider: string;
  readonly loadS: number;
  readonly firstCallS: number;
  readonly relaxS: number;
  readonly relaxationsPerS: number;
  readonly evalsPerS: number;
  readonly batchedSteps: number;
  /** Whether --max-seconds cut the relaxation (then no per-cell results). */
  readonly cut: boolean;
  readonly finished: number;
  readonly converged: number;
  readonly meanSteps?: number;
  readonly energiesPerAtom?: number[];
}

function loadCells(supported: ReadonlySet<string>): Structure[] {
  const csv = csvCandidates.find((p) => existsSync(p));
  if (!csv) throw new Error(`no MP-20 CSV found (tried ${csvCandidates.join(', ')}); pass --csv FILE`);
  const text = csv.endsWith('.gz')
    ? gunzipSync(readFileSync(csv)).toString('utf8')
    : readFileSync(csv, 'utf8');
  const rows = parse(text, { columns: true }) as { cif: string; material_id: string }[];
  const cells = rows
    .map((r) => readCif(r.cif, { source: r.material_id }))
    .filter((s) => s.species.every((e) => supported.has(e)))
    .slice(0, n);
  if (cells.length < n) console.error(`only ${cells.length} cells of ${csv} have elements of the model`);
  console.error(
    `${cells.length} cells from ${csv}, ${cells.reduce((t, s) => t + s.species.length, 0)} atoms`,
  );
  return cells;
}

async function measure(path: string, asked: 'cpu' | 'cuda', cells: Structure[]): Promise<Row> {
  let t = performance.now();
  const model = await MlipModel.load(path, { executionProviders: asked, log: (m) => console.error(m) });
  const loadS = (performance.now() - t) / 1000;
  try {
    const device = model.device;
    const provider =
      device.fallbackReason && asked === 'cuda'
        ? `cpu (fallback: ${device.fallbackReason})`
        : device.executionProvider;
    t = performance.now();
    await model.predict(cells.slice(0, 1)); // first call: CUDA context, kernels, allocator
    const firstCallS = (performance.now() - t) / 1000;
    t = performance.now();
    const run = relaxSteps(model, cells, { fmax, steps });
    let evals = 0;
    let active = cells.length;
    let last = { step: 0, nFinished: 0, nConverged: 0 };
    let next = await run.next();
    while (!next.done) {
      evals += active;
      active = next.value.nActive;
      last = next.value;
      if ((performance.now() - t) / 1000 > maxSeconds) break;
      next = await run.next();
    }
    const relaxS = (performance.now() - t) / 1000;
    const results = next.done ? next.value : undefined;
    if (!next.done) await run.return([]);
    return {
      asked,
      provider,
      loadS,
      firstCallS,
      relaxS,
      relaxationsPerS: (results?.length ?? last.nFinished) / relaxS,
      evalsPerS: evals / relaxS,
      batchedSteps: last.step,
      cut: !results,
      finished: results?.length ?? last.nFinished,
      converged: results ? results.filter((r) => r.converged).length : last.nConverged,
      meanSteps: results && results.reduce((s, r) => s + r.nSteps, 0) / results.length,
      energiesPerAtom: results?.map((r) => r.energyPerAtomEv),
    };
  } finally {
    await model.dispose();
    await clearSessionPool();
  }
}

const path = await resolveModelPath(modelName);
const probe = await MlipModel.load(path, { executionProviders: 'cpu' });
const cells = loadCells(new Set(probe.card.elements));
await probe.dispose();
await clearSessionPool();

const rows: Row[] = [];
for (const asked of cpuOnly ? (['cpu'] as const) : (['cpu', 'cuda'] as const)) {
  console.error(`relaxing on ${asked} ...`);
  rows.push(await measure(path, asked, cells));
}

const fmt = (x: number, d = 2) => x.toFixed(d);
console.log(
  `\n## batched relaxations, model ${modelName}, ${cells.length} MP-20 cells, fmax ${fmax} eV/Å, ≤ ${steps} steps, ${cpus().length} CPU cores`,
);
console.log(
  '| asked | ran on | load s | 1st call s | relax s | batched steps | relaxations/s | evals/s | finished | converged | mean steps |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.asked} | ${r.provider} | ${fmt(r.loadS)} | ${fmt(r.firstCallS)} | ${fmt(r.relaxS)}${r.cut ? ' (cut)' : ''} | ${r.batchedSteps} | ${fmt(r.relaxationsPerS, 3)} | ${fmt(r.evalsPerS, 1)} | ${r.finished}/${cells.length} | ${r.converged} | ${r.meanSteps === undefined ? '-' : fmt(r.meanSteps, 1)} |`,
  );
const [cpu, cuda] = rows;
let maxDiff: number | undefined;
if (cpu && cuda) {
  const a = cpu.energiesPerAtom;
  const b = cuda.energiesPerAtom;
  if (a && b) maxDiff = Math.max(...a.map((e, k) => Math.abs(e - b[k]!)));
  console.log(
    (cuda.provider === 'cuda'
      ? `\nspeed-up cuda/cpu: ${fmt(cuda.evalsPerS / cpu.evalsPerS)}× in evals/s`
      : '\nno GPU number: the CUDA session fell back to the CPU') +
      (maxDiff === undefined
        ? ''
        : `; largest |ΔE| of the relaxed cells: ${maxDiff.toExponential(2)} eV/atom`),
  );
}
if (out)
  writeFileSync(
    out,
    JSON.stringify(
      {
        model: modelName,
        cells: cells.length,
        fmax,
        steps,
        cpuCores: cpus().length,
        rows,
        maxDiffEvPerAtom: maxDiff,
      },
      null,
      2,
    ),
  );
