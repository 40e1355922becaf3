/**
 * Benchmark: the potential runtime.
 *   1. The same model in onnxruntime-node and in PyTorch eager (CPU, same thread count, same
 *      inputs), for 8-, 64- and 256-atom cells: min and median ms per call, and torch/ONNX.
 *      Also the full `MlipModel.predict` (neighbour list + ONNX + force/stress assembly in TS).
 *   2. Relaxations per minute on MP-20 test structures (FIRE + FrechetCellFilter, fmax 0.05,
 *      batched: one model call per step for all running structures), and one at a time.
 * Models: the Morse fixture, plus every model in models/mlip/ (PyTorch eager only where its
 * card names a `torch_reference: {builder, arg}`). With the Morse model all numbers are plumbing
 * numbers (a pair potential is far cheaper than a network), not the cost of real screening.
 *
 *   npx tsx bench/mlip-onnx-vs-torch.ts [--threads N] [--repeats 50] [--relax 64] [--steps 300]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import * as ort from 'onnxruntime-node';
import { readCif } from '../crystal/io/cif.js';
import { Lattice, type Vec3 } from '../crystal/lattice.js';
import { Structure } from '../crystal/structure.js';
import { supercell } from '../crystal/supercell.js';
import {
  buildBatchGraph,
  DEFAULT_MODELS_DIR,
  listModelNames,
  MlipModel,
  clearSessionPool,
} from '../models/mlip/index.js';
import { relax } from '../models/relax/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const threads = Number(args.get('--threads') ?? cpus().length);
const repeats = Number(args.get('--repeats') ?? 50);
const nRelax = Number(args.get('--relax') ?? 64);
const relaxSteps = Number(args.get('--steps') ?? 300);
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const MP20_TEST = resolve(ROOT, '..', 'shared', 'data', 'mp_20', 'pilot_first1000', 'test.csv.gz');

interface BenchModel {
  readonly path: string;
  readonly torch?: { builder: string; arg: string };
}

function models(): BenchModel[] {
  const fixture = join(ROOT, 'test', 'models', 'mlip', 'fixtures', 'morse-committee.onnx');
  const list: BenchModel[] = [
    {
      path: fixture,
      torch: {
        builder: 'matdisc_training.pair_potential_export:build_module',
        arg: fixture.replace(/\.onnx$/, '.params.json'),
      },
    },
  ];
  for (const name of listModelNames(DEFAULT_MODELS_DIR)) {
    const path = join(DEFAULT_MODELS_DIR, `${name}.onnx`);
    const card = JSON.parse(readFileSync(path.replace(/\.onnx$/, '.card.json'), 'utf8')) as {
      torch_reference?: { builder: string; arg: string };
    };
    const ref = card.torch_reference;
    list.push({
      path,
      ...(ref ? { torch: { builder: ref.builder, arg: resolve(DEFAULT_MODELS_DIR, ref.arg) } } : {}),
    });
  }
  return list;
}

/** Rattled rock salt built from the model's elements: 8 atoms, then 2×2×2 (64) and 4×4×2 (256). */
function cells(elements: readonly string[]): Structure[] {
  const [a, b] =
    elements.includes('Na') && elements.includes('Cl')
      ? ['Na', 'Cl']
      : [elements[0]!, elements[1] ?? elements[0]!];
  const fcc: Vec3[] = [
    [0, 0, 0],
    [0.5, 0.5, 0],
    [0.5, 0, 0.5],
    [0, 0.5, 0.5],
  ];
  const base = Structure.create(
    Lattice.cubic(5.6),
    [...Array(4).fill(a), ...Array(4).fill(b)],
    [...fcc, ...fcc.map((f): Vec3 => [f[0] + 0.5, f[1], f[2]])],
  );
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  return [[1, 1, 1] as const, [2, 2, 2] as const, [4, 4, 2] as const].map((m) => {
    const s = supercell(base, m);
    return Structure.fromCartesian(
      s.lattice,
      s.species,
      Structure.cartCoords(s).map((x): Vec3 => [
        x[0] + 0.05 * rand(),
        x[1] + 0.05 * rand(),
        x[2] + 0.05 * rand(),
      ]),
    );
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

/** Best and median of a series of timings: on a shared machine the minimum is the steadier one. */
interface Timing {
  readonly min: number;
  readonly median: number;
}

const timing = (xs: number[]): Timing => ({ min: Math.min(...xs), median: median(xs) });
const fmt = (t: Timing) => `${t.min.toFixed(3)} / ${t.median.toFixed(3)}`;

async function onnxVersusTorch(m: BenchModel): Promise<void> {
  const model = await MlipModel.load(m.path, { executionProviders: 'cpu', intraOpThreads: threads });
  const session = await ort.InferenceSession.create(m.path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
  });
  const dir = mkdtempSync(join(tmpdir(), 'matdisc-bench-'));
  try {
    const rows: { atoms: number; edges: number; ortMs: Timing; predictMs: Timing; energy: number }[] = [];
    for (const [k, s] of cells(model.card.elements).entries()) {
      const g = buildBatchGraph([s], model.cutoff);
      const feeds = {
        species: new ort.Tensor('int64', g.species, [g.species.length]),
        edge_index: new ort.Tensor('int64', g.edgeIndex, [2, g.src.length]),
        edge_vec: new ort.Tensor('float32', g.edgeVec, [g.src.length, 3]),
        batch: new ort.Tensor('int64', g.batch, [g.species.length]),
        n_structures: new ort.Tensor('int64', BigInt64Array.of(1n), []),
      };
      await session.run(feeds);
      const ort_: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const t = performance.now();
        await session.run(feeds, ['energy', 'edge_grad']);
        ort_.push(performance.now() - t);
      }
      await model.predict([s]);
      const full: number[] = [];
      let energy = 0;
      for (let r = 0; r < repeats; r++) {
        const t = performance.now();
        energy = (await model.predict([s]))[0]!.energyEv;
        full.push(performance.now() - t);
      }
      rows.push({
        atoms: s.species.length,
        edges: g.src.length,
        ortMs: timing(ort_),
        predictMs: timing(full),
        energy,
      });
      const stem = join(dir, `case-${k}`);
      writeFileSync(
        `${stem}.json`,
        JSON.stringify({ case: k, n_atoms: g.species.length, n_edges: g.src.length, n_structures: 1 }),
      );
      writeFileSync(`${stem}.species.bin`, Buffer.from(g.species.buffer));
      writeFileSync(`${stem}.edge_index.bin`, Buffer.from(g.edgeIndex.buffer));
      writeFileSync(`${stem}.edge_vec.bin`, Buffer.from(g.edgeVec.buffer));
      writeFileSync(`${stem}.batch.bin`, Buffer.from(g.batch.buffer));
    }
    let torch:
      | {
          torch: string;
          threads: number;
          cases: { case: number; median_ms: number; min_ms: number; energy: number[] }[];
        }
      | undefined;
    let note = '';
    if (!m.torch) note = 'no torch_reference in the card: PyTorch eager skipped';
    else if (!existsSync(PYTHON)) note = `${PYTHON} not found: PyTorch eager skipped`;
    else {
      const py = spawnSync(
        PYTHON,
        [
          join(ROOT, 'bench', 'mlip_torch_eager.py'),
          '--cases',
          dir,
          '--builder',
          m.torch.builder,
          '--arg',
          m.torch.arg,
          '--threads',
          String(threads),
          '--repeats',
          String(repeats),
        ],
        { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'models', 'training') } },
      );
      if (py.status !== 0) note = `PyTorch eager failed: ${py.stderr.trim().split('\n').at(-1)}`;
      else torch = JSON.parse(py.stdout);
    }
    console.log(
      `\n## ${model.name} (${model.members} members, cutoff ${model.cutoff} Å), ${threads} threads, ${repeats} repeats, ms as min / median`,
    );
    if (torch)
      console.log(
        `torch ${torch.torch} (threads ${torch.threads}), onnxruntime-node ${ort.env.versions.common ?? ''}`,
      );
    if (note) console.log(note);
    console.log(
      '| atoms | edges | ONNX run ms | torch eager ms | torch/ONNX (min, median) | predict() ms (NL+ONNX+assembly) | |ΔE| eV |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    rows.forEach((r, k) => {
      const t = torch?.cases.find((c) => c.case === k);
      console.log(
        `| ${r.atoms} | ${r.edges} | ${fmt(r.ortMs)} | ${t ? fmt({ min: t.min_ms, median: t.median_ms }) : '—'} | ` +
          `${t ? `${(t.min_ms / r.ortMs.min).toFixed(2)}, ${(t.median_ms / r.ortMs.median).toFixed(2)}` : '—'} | ` +
          `${fmt(r.predictMs)} | ${t ? Math.abs(t.energy[0]! - r.energy).toExponential(1) : '—'} |`,
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await session.release();
    await model.dispose();
  }
}

async function relaxationsPerMinute(path: string): Promise<void> {
  const model = await MlipModel.load(path, { executionProviders: 'cpu', intraOpThreads: threads });
  try {
    const rows = parse(gunzipSync(readFileSync(MP20_TEST)).toString('utf8'), { columns: true }) as {
      cif: string;
      material_id: string;
    }[];
    const supported = new Set(model.card.elements);
    const structures = rows
      .map((r) => readCif(r.cif, { source: r.material_id }))
      .filter((s) => s.species.every((e) => supported.has(e)))
      .slice(0, nRelax);
    const atoms = structures.reduce((t, s) => t + s.species.length, 0);
    const opts = { fmax: 0.05, steps: relaxSteps };
    let t = performance.now();
    const batched = await relax(model, structures, opts);
    const batchedS = (performance.now() - t) / 1000;
    const few = structures.slice(0, Math.min(16, structures.length));
    t = performance.now();
    for (const s of few) await relax(model, [s], opts);
    const serialS = (performance.now() - t) / 1000;
    const steps = batched.map((r) => r.nSteps);
    console.log(
      `\n## relaxations on MP-20 test structures, model ${model.name} (fmax 0.05 eV/Å, ≤ ${relaxSteps} steps, cell relaxed)`,
    );
    console.log(
      `${structures.length} structures, ${atoms} atoms (mean ${(atoms / structures.length).toFixed(1)}), median ${median(steps)} steps`,
    );
    console.log(
      `batched:       ${((60 * structures.length) / batchedS).toFixed(1)} relaxations/min (${batchedS.toFixed(1)} s; ${batched.filter((r) => r.converged).length} converged, stop reasons ${JSON.stringify(countBy(batched.map((r) => r.stopReason)))})`,
    );
    console.log(
      `one at a time: ${((60 * few.length) / serialS).toFixed(1)} relaxations/min (first ${few.length}, ${serialS.toFixed(1)} s)`,
    );
    if (model.name.startsWith('morse'))
      console.log(
        '(Morse pair potential: plumbing numbers only, not the cost of screening with a trained committee.)',
      );
  } finally {
    await model.dispose();
  }
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

console.log(
  `load average at the start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs`,
);
for (const m of models()) await onnxVersusTorch(m);
for (const m of models()) await relaxationsPerMinute(m.path);
await clearSessionPool();
console.log(
  `\nload average at the end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs`,
);
