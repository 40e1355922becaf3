/**
 * Benchmark: sampler steps versus quality. For each step count K (the full schedule first) it runs
 * `evaluateGenerator` (the code behind `matdisc evaluate-generator`) on the same held-out MP-20
 * test rows, with the same seed, and prints one table:
 *
 * - CSP match rate (k = 1: one sample per test composition), the matched pairs shared with the
 *   full schedule (a paired comparison: same rows, same seed), RMSE, the structural validity of
 *   the CSP predictions;
 * - de-novo structural and compositional validity (`--gen N` unconditional samples; 0 skips);
 * - sampling wall time per structure and the speed-up against the full schedule of the same run.
 *
 * Test rows are the held-out ones (`biternary/test` + `pilot_first1000/test`; the model card says
 * the model never trained on them), drawn by the evaluation's seeded subset, so every K sees the
 * same rows and the same initial noise (sample i uses stream (seed, 2i) whatever K is).
 *
 *   npx tsx bench/generator-steps.ts [--rows 40] [--gen 16] [--steps 1000,250,100,50,25]
 *       [--threads 1] [--batch 32] [--seed 0] [--model NAME|PATH] [--out FILE.json]
 *
 * The first entry of `--steps` is the reference of the ratios (put the full schedule first).
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { evaluateGenerator, type EvaluationReport } from '../models/generator/evaluate/evaluate-generator.js';
import { GeneratorModel, resolveGeneratorPath } from '../models/generator/index.js';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const num = (key: string, fallback: number) => {
  const v = Number(args.get(key) ?? fallback);
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${key} must be a non-negative integer`);
  return v;
};
const rows = num('--rows', 40);
const gen = num('--gen', 16);
const threads = num('--threads', 1);
const batchSize = num('--batch', 32);
const seed = num('--seed', 0);
const stepList = (args.get('--steps') ?? '1000,250,100,50,25').split(',').map(Number);

const model = await GeneratorModel.load(resolveGeneratorPath(args.get('--model')), {
  executionProviders: 'cpu',
  intraOpThreads: threads,
});
const T = model.schedule.numSteps;
const steps = stepList.map((k) => Math.min(k, T));
process.stdout.write(
  `generator ${model.name}: ${T}-step schedule; steps ${steps.join(', ')}; ${rows} held-out CSP rows, ${gen} de-novo samples, ` +
    `seed ${seed}, batch ${batchSize}, ${threads} ONNX thread(s), ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}\n`,
);

const reports: EvaluationReport[] = [];
try {
  for (const k of steps) {
    const started = performance.now();
    reports.push(
      await evaluateGenerator(model, {
        cspCount: rows,
        genCount: gen,
        systemCount: 0,
        seed,
        steps: k,
        batchSize,
        typeClipVariants: [false],
        ...(args.get('--data-dir') ? { dataDir: args.get('--data-dir')! } : {}),
      }),
    );
    process.stderr.write(`${k} steps done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
} finally {
  await model.dispose();
}

const ref = reports[0]!;
const perStructure = (r: EvaluationReport) => {
  const d = r.de_novo.by_sampler.diffcsp;
  const wall = (r.csp.sampling_wall_s ?? 0) + (d?.sampling_wall_s ?? 0);
  return wall / Math.max(1, r.csp.n_compositions + (d ? r.de_novo.n_samples : 0));
};
const refMatched = new Set(ref.csp.matched_material_ids);
const table = reports.map((r) => {
  const d = r.de_novo.by_sampler.diffcsp;
  const shared = r.csp.matched_material_ids.filter((id) => refMatched.has(id)).length;
  return {
    steps: r.sampler.steps,
    csp_matched: r.csp.matched_material_ids.length,
    csp_n: r.csp.n_compositions,
    csp_match_rate_pct: r.csp.match_rate_pct,
    csp_matched_also_in_reference: shared,
    csp_rmse: r.csp.rmse,
    csp_structural_validity_pct: r.csp.structural_validity_pct,
    de_novo_structural_validity_pct: d?.structural_validity_pct ?? null,
    de_novo_compositional_validity_pct: d?.compositional_validity_pct ?? null,
    csp_s_per_structure: (r.csp.sampling_wall_s ?? 0) / Math.max(1, r.csp.n_compositions),
    de_novo_s_per_structure: d ? (d.sampling_wall_s ?? 0) / Math.max(1, r.de_novo.n_samples) : null,
    s_per_structure: perStructure(r),
    speedup: perStructure(ref) / perStructure(r),
  };
});

const f = (x: number | null, d = 2, w = 8) => (x === null ? 'n/a' : x.toFixed(d)).padStart(w);
process.stdout.write(
  `\n steps  CSP match % (n/N)   shared  CSP RMSE  CSP struct %  de-novo struct %  de-novo comp %  s/structure  speed-up\n`,
);
for (const t of table) {
  process.stdout.write(
    `${String(t.steps).padStart(6)}  ${f(t.csp_match_rate_pct)} (${String(t.csp_matched).padStart(2)}/${t.csp_n})  ` +
      `${String(t.csp_matched_also_in_reference).padStart(6)}  ${f(t.csp_rmse, 4)}  ${f(t.csp_structural_validity_pct, 2, 12)}  ` +
      `${f(t.de_novo_structural_validity_pct, 2, 16)}  ${f(t.de_novo_compositional_validity_pct, 2, 14)}  ` +
      `${f(t.s_per_structure, 3, 11)}  ${f(t.speedup, 1, 8)}\n`,
  );
}
process.stdout.write(
  `(shared: matched test rows also matched by the ${ref.sampler.steps}-step run; speed-up: sampling wall time per structure of the first row / this row, same run)\n`,
);
if (args.get('--out')) {
  await writeFile(resolve(args.get('--out')!), `${JSON.stringify({ table, reports }, null, 2)}\n`);
}
