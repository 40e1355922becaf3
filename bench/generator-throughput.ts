/**
 * Benchmark: generator sampling throughput, onnxruntime-node versus PyTorch eager, for cells of
 * 8, 16 and 20 atoms (one run each, same model, same thread count, same batch).
 *
 *   1. ONNX per call: `GeneratorModel.denoise` on a batch of B random inputs (the PyTorch bench's
 *      input distribution), s per call; structures/minute = B·60 / (2·num_steps·s_per_call), since
 *      a full predictor-corrector run costs two calls per step.
 *   2. TS sampler end to end: `sample()` on B plans for `--sample-steps` respaced steps (network
 *      calls + PRNG + state updates), extrapolated to the full schedule:
 *      B·60 / (num_steps · s_per_step).
 *   3. PyTorch eager: `python -m matdisc_training generator-bench` (the training package's), run
 *      with `.venv/bin/python`; it prints s_per_call and structures_per_minute the same way as 1.
 *
 * The ratio printed is TS end to end / PyTorch (above 1: node is faster).
 *
 *   npx tsx bench/generator-throughput.ts [--model PATH] [--threads 2] [--batch 32] [--calls 10] [--sample-steps 20]
 *
 * Without --model: models/generator/diffcsp-mp20.onnx when it exists, else the tiny fixture.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import {
  DEFAULT_GENERATOR_DIR,
  DEFAULT_GENERATOR_NAME,
  GeneratorModel,
  Prng,
  planSamples,
  sample,
} from '../models/generator/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const threads = Number(args.get('--threads') ?? 2);
const batch = Number(args.get('--batch') ?? 32);
const calls = Number(args.get('--calls') ?? 10);
const sampleSteps = Number(args.get('--sample-steps') ?? 20);
const sizes = (args.get('--natoms') ?? '8,16,20').split(',').map(Number);
const trained = join(DEFAULT_GENERATOR_DIR, `${DEFAULT_GENERATOR_NAME}.onnx`);
const modelPath = resolve(
  args.get('--model') ??
    (existsSync(trained) ? trained : join(ROOT, 'test/models/generator/fixtures/denoiser-tiny.onnx')),
);
const PYTHON = join(ROOT, '.venv', 'bin', 'python');

interface TorchResult {
  readonly natoms: number;
  readonly s_per_call: number;
  readonly structures_per_minute: number;
}

async function torchBench(): Promise<{ results: TorchResult[]; torch: string } | string> {
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  try {
    const r = await execa(
      PYTHON,
      [
        '-m',
        'matdisc_training',
        'generator-bench',
        '--model',
        modelPath,
        '--natoms',
        sizes.join(','),
        '--batch',
        String(batch),
        '--calls',
        String(calls),
        '--threads',
        String(threads),
      ],
      { cwd: join(ROOT, 'models', 'training'), env: { OMP_NUM_THREADS: String(threads) } },
    );
    const line = r.stdout.trim().split('\n').at(-1)!;
    return JSON.parse(line) as { results: TorchResult[]; torch: string };
  } catch (err) {
    return `PyTorch bench failed: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`;
  }
}

const model = await GeneratorModel.load(modelPath, { executionProviders: 'cpu', intraOpThreads: threads });
const T = model.schedule.numSteps;
const nTypes = model.nTypes;
process.stdout.write(
  `generator ${model.name}${model.card?.untrained ? ' (untrained fixture)' : ''}: ${T} steps, ${nTypes} types; ` +
    `batch ${batch}, ${threads} threads, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}\n`,
);

const rows: { natoms: number; onnxCall: number; onnxPerMin: number; e2ePerMin: number }[] = [];
for (const n of sizes) {
  const rng = new Prng(0, n);
  const x = {
    batch,
    atoms: n,
    atomTypes: Float32Array.from({ length: batch * n * nTypes }, () => rng.normal()),
    fracCoords: Float32Array.from({ length: batch * n * 3 }, () => rng.uniform()),
    lattice: Float32Array.from({ length: batch * 9 }, () => rng.normal()),
    mask: new Float32Array(batch * n).fill(1),
    t: new Float32Array(batch).fill(0.5),
  };
  await model.denoise(x); // warm-up
  let t0 = performance.now();
  for (let k = 0; k < calls; k++) await model.denoise(x);
  const onnxCall = (performance.now() - t0) / 1000 / calls;
  const plans = planSamples({ kind: 'unconditional', natoms: n }, batch, model.schedule, 0);
  await sample(model, plans, { steps: 1, batchSize: batch }); // warm-up
  t0 = performance.now();
  await sample(model, plans, { steps: Math.min(sampleSteps, T), batchSize: batch });
  const perStep = (performance.now() - t0) / 1000 / Math.min(sampleSteps, T);
  rows.push({
    natoms: n,
    onnxCall,
    onnxPerMin: (batch * 60) / (2 * T * onnxCall),
    e2ePerMin: (batch * 60) / (T * perStep),
  });
}
await model.dispose();

const torch = await torchBench();
const f = (x: number, d = 1) => x.toFixed(d).padStart(9);
process.stdout.write(
  `\n natoms  onnx s/call  torch s/call   onnx str/min  TS e2e str/min  torch str/min  TS e2e/torch\n`,
);
for (const r of rows) {
  const t = typeof torch === 'string' ? undefined : torch.results.find((x) => x.natoms === r.natoms);
  process.stdout.write(
    `${String(r.natoms).padStart(7)}  ${f(r.onnxCall, 4)}    ${t ? f(t.s_per_call, 4) : '      n/a'}     ${f(r.onnxPerMin)}      ${f(r.e2ePerMin)}      ${t ? f(t.structures_per_minute) : '      n/a'}     ${t ? f(r.e2ePerMin / t.structures_per_minute, 2) : '      n/a'}\n`,
  );
}
if (typeof torch === 'string') process.stdout.write(`PyTorch: ${torch}\n`);
else
  process.stdout.write(
    `(PyTorch ${torch.torch}, eager, CPU; structures/minute for the full ${T}-step schedule, one run)\n`,
  );
