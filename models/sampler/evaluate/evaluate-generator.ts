/**
 * Scores a generator on held-out MP-20 rows: CSP match rate and RMSE (one sample per test
 * composition), de-novo validity, uniqueness and novelty, and chemical-system adherence
 * (`metrics.ts`). Subsets are drawn with a seeded shuffle so a run is reproducible.
 *
 * Data (`../shared/data/mp_20`, see its README): test rows are the union of
 * `biternary/test.csv.gz` and `pilot_first1000/test.csv.gz` (distinct by material id), a subset of
 * MP-20's test split; novelty is judged against `pilot_first1000/train.csv.gz` and
 * `biternary/val.csv.gz`, the rows the model was trained on, a subset of MP-20's training data.
 */
import { resolve } from 'node:path';
import { Composition } from '../../../crystal/composition.js';
import { Structure } from '../../../crystal/structure.js';
import { checkValidity } from '../../../crystal/validity.js';
import { parseChemicalSystem, planSamples, type SamplePlan } from '../conditioning.js';
import { generate, generateFromPlans } from '../generate.js';
import type { GeneratorModel } from '../generator-model.js';
import {
  adheres,
  compositionallyValid,
  cspMatch,
  DIFFCSP_MATCHER,
  novelIndices,
  structurallyValid,
  uniqueIndices,
} from './metrics.js';
import { readMp20Rows, seededSubset, type Mp20Row } from './mp20-rows.js';
import { PUBLISHED_MP20 } from './published.js';

/** Options of {@link evaluateGenerator}. */
export interface EvaluateOptions {
  /** Folder holding `mp_20/` (default `../shared/data` beside the repository). */
  readonly dataDir?: string;
  /** Test compositions for CSP (one sample each). Default 100. */
  readonly cspCount?: number;
  /** Unconditional de-novo samples. Default 100. */
  readonly genCount?: number;
  /** Chemical systems for the conditioned run, and samples per system. Defaults 5 and 10. */
  readonly systemCount?: number;
  readonly perSystem?: number;
  /** Seed of the subsets and of the sampler. Default 0. */
  readonly seed?: number;
  /** Respaced network steps (default: the full schedule). */
  readonly steps?: number;
  readonly batchSize?: number;
  readonly log?: (message: string) => void;
}

const pct = (x: number) => Math.round(x * 10000) / 100;
const round = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

/** Runs the evaluation and returns the report (plain JSON, written into the model card's metrics). */
export async function evaluateGenerator(model: GeneratorModel, options: EvaluateOptions = {}) {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ?? resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
  const seed = options.seed ?? 0;
  const cspCount = options.cspCount ?? 100;
  const genCount = options.genCount ?? 100;
  const systemCount = options.systemCount ?? 5;
  const perSystem = options.perSystem ?? 10;
  const sampler = {
    seed,
    ...(options.steps ? { steps: options.steps } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  };
  const progress = (what: string) => (p: { batch: number; batches: number; step: number; steps: number }) => {
    if (p.step % Math.max(1, Math.floor(p.steps / 4)) === 0)
      log(`  ${what}: batch ${p.batch + 1}/${p.batches}, step ${p.step}/${p.steps}`);
  };

  const file = (...p: string[]) => resolve(dataDir, 'mp_20', ...p);
  const testFiles = ['biternary/test.csv.gz', 'pilot_first1000/test.csv.gz'];
  const trainFiles = ['pilot_first1000/train.csv.gz', 'biternary/val.csv.gz'];
  const distinct = (rows: Mp20Row[]) => [...new Map(rows.map((r) => [r.materialId, r])).values()];
  const testRows = distinct((await Promise.all(testFiles.map((f) => readMp20Rows(file(f))))).flat());
  log(`test rows: ${testRows.length} distinct (${testFiles.join(' + ')})`);

  // CSP: one sample per composition, natoms = the ground truth's.
  const cspRows = seededSubset(testRows, cspCount, seed);
  const cspStarted = performance.now();
  const cdvaeValidity = { minDistance: 0.5, minVolumePerAtom: 0, maxVolumePerAtom: Infinity };
  // One plan per row (natoms = the ground truth's), all rows in one batched run; plan k uses stream k.
  const cspPlans = cspRows.map((r, k) => {
    const request = {
      kind: 'composition' as const,
      composition: Composition.fromSpecies(r.structure.species),
      natoms: r.structure.species.length,
    };
    return { ...planSamples(request, 1, model.schedule, seed, model.name)[0]!, index: k };
  });
  const cspRun = await generateFromPlans(model, cspPlans, {
    ...sampler,
    validity: cdvaeValidity,
    onProgress: progress('CSP'),
  });
  const predictions = cspRun.samples.map((s) => s.structure);
  const cspSampleS = (performance.now() - cspStarted) / 1000;
  const matchStarted = performance.now();
  const csp = cspMatch(cspRows.map((r, i) => ({ predicted: predictions[i]!, truth: r.structure })));
  const cspMatchS = (performance.now() - matchStarted) / 1000;
  log(
    `CSP: ${csp.matched}/${csp.pairs} matched, RMSE ${csp.rmse.toFixed(4)} (${cspSampleS.toFixed(0)} s sampling, ${cspMatchS.toFixed(0)} s matching)`,
  );

  // De novo, unconditional.
  const genStarted = performance.now();
  const gen = await generate(model, { kind: 'unconditional' }, genCount, {
    ...sampler,
    seed: seed + 1,
    validity: cdvaeValidity,
    onProgress: progress('de novo'),
  });
  const genS = (performance.now() - genStarted) / 1000;
  const structs = gen.samples.map((s) => s.structure);
  const sValid = structs.map(structurallyValid);
  const cValid = structs.map(compositionallyValid);
  const validStructs = structs.filter((_, i) => sValid[i]);
  const unique = uniqueIndices(validStructs).map((i) => validStructs[i]!);
  log(
    `de novo: ${validStructs.length}/${genCount} structurally valid, ${unique.length} unique; reading training rows for novelty`,
  );
  const trainRows = distinct((await Promise.all(trainFiles.map((f) => readMp20Rows(file(f))))).flat());
  const novel = novelIndices(
    unique,
    trainRows.map((r) => r.structure),
  );
  const defaultValid = structs.filter((s) => sValidDefault(s)).length;

  // Chemical-system conditioning on systems of test rows.
  const systems = [
    ...new Set(
      seededSubset(testRows, Math.min(testRows.length, 50 * systemCount), seed + 2).map((r) =>
        Structure.chemicalSystem(r.structure),
      ),
    ),
  ].slice(0, systemCount);
  const condStarted = performance.now();
  const condPlans: SamplePlan[] = [];
  for (const system of systems) {
    for (const p of planSamples(
      { kind: 'system', elements: parseChemicalSystem(system) },
      perSystem,
      model.schedule,
      seed + 3,
      model.name,
    )) {
      condPlans.push({ ...p, index: condPlans.length });
    }
  }
  const condRun = await generateFromPlans(model, condPlans, {
    ...sampler,
    seed: seed + 3,
    onProgress: progress('conditioned'),
  });
  const condS = (performance.now() - condStarted) / 1000;
  const condSamples = condRun.samples.map((s, k) => ({
    system: systems[Math.floor(k / perSystem)]!,
    s: s.structure,
  }));
  const adherent = condSamples.filter(({ system, s }) => adheres(s, system.split('-'))).length;
  const usesAll = condSamples.filter(
    ({ system, s }) => new Set(s.species).size === system.split('-').length,
  ).length;

  return {
    model: model.name,
    untrained: model.card?.untrained === true,
    evaluated_at: new Date().toISOString(),
    sampler: {
      steps: options.steps ?? model.schedule.numSteps,
      num_steps: model.schedule.numSteps,
      seed,
      step_lr: model.schedule.stepLr,
    },
    data: {
      note:
        'Our training set is a subset of MP-20 (pilot_first1000/train + biternary/val, not the full ~27k training split) ' +
        'and our test rows are a subset of its test split; the published numbers were measured on the full MP-20 split.',
      test_files: testFiles,
      test_rows_distinct: testRows.length,
      training_files_for_novelty: trainFiles,
      training_rows: trainRows.length,
      subset_seed: seed,
    },
    csp: {
      n_compositions: csp.pairs,
      samples_per_composition: 1,
      match_rate_pct: pct(csp.matchRate),
      rmse: round(csp.rmse),
      valid_pairs: csp.validPairs,
      matched_ignoring_validity: csp.matchedIgnoringValidity,
      matcher: DIFFCSP_MATCHER,
      sampling_wall_s: round(cspSampleS, 1),
      matching_wall_s: round(cspMatchS, 1),
    },
    de_novo: {
      n_samples: genCount,
      structural_validity_pct: pct(sValid.filter(Boolean).length / genCount),
      compositional_validity_pct: pct(cValid.filter(Boolean).length / genCount),
      validity_both_pct: pct(sValid.filter((v, i) => v && cValid[i]).length / genCount),
      matdisc_validity_pct: pct(defaultValid / genCount),
      uniqueness_pct: validStructs.length ? pct(unique.length / validStructs.length) : null,
      novelty_pct: unique.length ? pct(novel.length / unique.length) : null,
      sampling_wall_s: round(genS, 1),
    },
    conditioned: {
      systems,
      samples_per_system: perSystem,
      n_samples: condSamples.length,
      adherence_pct: pct(adherent / condSamples.length),
      uses_every_element_pct: pct(usesAll / condSamples.length),
      structural_validity_pct: pct(
        condSamples.filter(({ s }) => structurallyValid(s)).length / condSamples.length,
      ),
      sampling_wall_s: round(condS, 1),
    },
    published_full_mp20: PUBLISHED_MP20,
    definitions: {
      structural_validity:
        'all interatomic distances (periodic images included) > 0.5 Å and volume > 0.1 Å³ (CDVAE)',
      compositional_validity:
        'SMACT charge balance + Pauling test with common oxidation states; single elements and all-metal compositions valid (CDVAE smact_validity)',
      matdisc_validity: 'checkValidity defaults: 0.5 Å minimum distance and 1..300 Å³ per atom',
      csp_match:
        'StructureMatcher(stol 0.5, angle_tol 10, ltol 0.3) rms over valid pairs (DiffCSP RecEval); match rate over all pairs',
      uniqueness:
        'structurally valid samples matching no earlier sample (same matcher, same reduced formula)',
      novelty: 'unique valid samples matching no training structure of the same reduced formula',
      adherence: 'conditioned samples whose elements are all in the requested chemical system (goal 100%)',
    },
  };
}

function sValidDefault(s: Structure): boolean {
  try {
    return checkValidity(s).valid;
  } catch {
    return false;
  }
}

/** The type of the report {@link evaluateGenerator} returns. */
export type EvaluationReport = Awaited<ReturnType<typeof evaluateGenerator>>;

/** Our numbers beside the published ones, as text. */
export function formatReport(r: EvaluationReport): string {
  const p = r.published_full_mp20;
  const f = (x: number | null) => (x === null ? '   n/a' : x.toFixed(2).padStart(6));
  const lines = [
    `generator ${r.model}${r.untrained ? ' (UNTRAINED fixture: numbers are meaningless)' : ''}, ${r.sampler.steps}/${r.sampler.num_steps} steps, seed ${r.sampler.seed}`,
    r.data.note,
    '',
    `CSP, 1 sample per composition (${r.csp.n_compositions} test compositions; ${r.csp.valid_pairs} valid pairs)`,
    '  model        match rate %   RMSE',
    `  ours        ${f(r.csp.match_rate_pct)}        ${r.csp.rmse === null ? 'n/a' : r.csp.rmse.toFixed(4)}`,
    ...Object.entries(p.csp).map(
      ([k, v]) => `  ${k.padEnd(10)}  ${f(v.match_rate_pct)}        ${v.rmse.toFixed(4)}   (full MP-20)`,
    ),
    '',
    `De novo (${r.de_novo.n_samples} unconditional samples)`,
    '  model        structural %  compositional %',
    `  ours        ${f(r.de_novo.structural_validity_pct)}        ${f(r.de_novo.compositional_validity_pct)}`,
    ...Object.entries(p.de_novo_validity).map(
      ([k, v]) => `  ${k.padEnd(10)}  ${f(v.structural_pct)}        ${f(v.compositional_pct)}   (full MP-20)`,
    ),
    `  ours: uniqueness ${f(r.de_novo.uniqueness_pct)} %, novelty ${f(r.de_novo.novelty_pct)} % (vs ${r.data.training_rows} training rows), matdisc validity ${f(r.de_novo.matdisc_validity_pct)} %`,
    '',
    `Chemical-system conditioning (${r.conditioned.systems.join(', ')}; ${r.conditioned.samples_per_system} each)`,
    `  adherence ${f(r.conditioned.adherence_pct)} % (goal 100), uses every element ${f(r.conditioned.uses_every_element_pct)} %, structural validity ${f(r.conditioned.structural_validity_pct)} %`,
  ];
  return lines.join('\n');
}
