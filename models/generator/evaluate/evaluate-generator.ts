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
  /**
   * Sampler variants for the de-novo and conditioned runs: false = DiffCSP's sampler exactly,
   * true = with `clipTypes` (see `SamplerOptions`). Default both, reported as `diffcsp` and
   * `clip_types`. CSP is unaffected (types are fixed).
   */
  readonly typeClipVariants?: readonly boolean[];
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

  const trainRows = distinct((await Promise.all(trainFiles.map((f) => readMp20Rows(file(f))))).flat());
  const trainStructures = trainRows.map((r) => r.structure);
  const systems = [
    ...new Set(
      seededSubset(testRows, Math.min(testRows.length, 50 * systemCount), seed + 2).map((r) =>
        Structure.chemicalSystem(r.structure),
      ),
    ),
  ].slice(0, systemCount);

  // De novo (unconditional) and chemical-system conditioned, once per sampler variant.
  const variants = options.typeClipVariants ?? [false, true];
  const deNovo: Record<string, DeNovoSection> = {};
  const conditioned: Record<string, ConditionedSection> = {};
  for (const clipTypes of variants) {
    const name = clipTypes ? 'clip_types' : 'diffcsp';
    const common = { ...sampler, clipTypes, validity: cdvaeValidity };
    if (genCount > 0) {
      const started = performance.now();
      const gen = await generate(model, { kind: 'unconditional' }, genCount, {
        ...common,
        seed: seed + 1,
        onProgress: progress(`de novo (${name})`),
      });
      deNovo[name] = deNovoSection(
        gen.samples.map((s) => s.structure),
        trainStructures,
        (performance.now() - started) / 1000,
      );
      log(`de novo (${name}): ${JSON.stringify(deNovo[name])}`);
    }
    if (systems.length && perSystem > 0) {
      const started = performance.now();
      const plans: SamplePlan[] = [];
      for (const system of systems) {
        // De-novo type diffusion, the protocol of the published metrics and the card: the
        // default (a drawn composition, types fixed) contains every element by construction.
        const request = {
          kind: 'system' as const,
          elements: parseChemicalSystem(system),
          allowSubsystems: true,
        };
        for (const p of planSamples(request, perSystem, model.schedule, seed + 3, model.name)) {
          plans.push({ ...p, index: plans.length });
        }
      }
      const run = await generateFromPlans(model, plans, {
        ...common,
        seed: seed + 3,
        onProgress: progress(`conditioned (${name})`),
      });
      const samples = run.samples.map((x, k) => ({
        system: systems[Math.floor(k / perSystem)]!,
        s: x.structure,
      }));
      conditioned[name] = {
        n_samples: samples.length,
        adherence_pct: pct(
          samples.filter(({ system, s }) => adheres(s, system.split('-'))).length / samples.length,
        ),
        uses_every_element_pct: pct(
          samples.filter(({ system, s }) => new Set(s.species).size === system.split('-').length).length /
            samples.length,
        ),
        structural_validity_pct: pct(samples.filter(({ s }) => structurallyValid(s)).length / samples.length),
        matdisc_validity_pct: pct(samples.filter(({ s }) => sValidDefault(s)).length / samples.length),
        sampling_wall_s: round((performance.now() - started) / 1000, 1),
      };
      log(`conditioned (${name}): ${JSON.stringify(conditioned[name])}`);
    }
  }

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
      structural_validity_pct: pct(
        predictions.filter(structurallyValid).length / Math.max(1, predictions.length),
      ),
      /** Test rows whose prediction matched (for paired comparisons between runs on the same rows). */
      matched_material_ids: cspRows.filter((_, i) => csp.rms[i] !== null).map((r) => r.materialId),
      matcher: DIFFCSP_MATCHER,
      sampling_wall_s: round(cspSampleS, 1),
      matching_wall_s: round(cspMatchS, 1),
    },
    de_novo: { n_samples: genCount, by_sampler: deNovo },
    conditioned: { systems, samples_per_system: perSystem, by_sampler: conditioned },
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

/** De-novo metrics of one sampler variant. */
interface DeNovoSection {
  readonly structural_validity_pct: number;
  readonly compositional_validity_pct: number;
  readonly validity_both_pct: number;
  readonly matdisc_validity_pct: number;
  readonly uniqueness_pct: number | null;
  readonly novelty_pct: number | null;
  readonly median_volume_per_atom_a3: number | null;
  readonly sampling_wall_s: number | null;
}

/** Chemical-system metrics of one sampler variant. */
interface ConditionedSection {
  readonly n_samples: number;
  readonly adherence_pct: number;
  readonly uses_every_element_pct: number;
  readonly structural_validity_pct: number;
  readonly matdisc_validity_pct: number;
  readonly sampling_wall_s: number | null;
}

function deNovoSection(
  structs: readonly Structure[],
  training: readonly Structure[],
  wallS: number,
): DeNovoSection {
  const n = structs.length;
  const sValid = structs.map(structurallyValid);
  const cValid = structs.map(compositionallyValid);
  const validStructs = structs.filter((_, i) => sValid[i]);
  const unique = uniqueIndices(validStructs).map((i) => validStructs[i]!);
  const novel = novelIndices(unique, training);
  const vpa = structs
    .map((s) => Structure.volumePerAtom(s))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return {
    structural_validity_pct: pct(sValid.filter(Boolean).length / n),
    compositional_validity_pct: pct(cValid.filter(Boolean).length / n),
    validity_both_pct: pct(sValid.filter((v, i) => v && cValid[i]).length / n),
    matdisc_validity_pct: pct(structs.filter(sValidDefault).length / n),
    uniqueness_pct: validStructs.length ? pct(unique.length / validStructs.length) : null,
    novelty_pct: unique.length ? pct(novel.length / unique.length) : null,
    median_volume_per_atom_a3: vpa.length ? round(vpa[Math.floor(vpa.length / 2)]!, 2) : null,
    sampling_wall_s: round(wallS, 1),
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
  const f = (x: number | null | undefined) =>
    x === null || x === undefined ? '   n/a' : x.toFixed(2).padStart(6);
  const variant = (k: string) => (k === 'diffcsp' ? 'ours (DiffCSP sampler)' : 'ours (clip types)');
  const deNovo = Object.entries(r.de_novo.by_sampler);
  const cond = Object.entries(r.conditioned.by_sampler);
  const lines = [
    `generator ${r.model}${r.untrained ? ' (UNTRAINED fixture: numbers are meaningless)' : ''}, ${r.sampler.steps}/${r.sampler.num_steps} steps, seed ${r.sampler.seed}`,
    r.data.note,
    '',
    `CSP, 1 sample per composition (${r.csp.n_compositions} test compositions; ${r.csp.valid_pairs} valid pairs)`,
    '  model                     match rate %   RMSE',
    `  ${'ours'.padEnd(24)}${f(r.csp.match_rate_pct)}        ${r.csp.rmse === null ? 'n/a' : r.csp.rmse.toFixed(4)}`,
    ...Object.entries(p.csp).map(
      ([k, v]) => `  ${k.padEnd(24)}${f(v.match_rate_pct)}        ${v.rmse.toFixed(4)}   (full MP-20)`,
    ),
    '',
    `De novo (${r.de_novo.n_samples} unconditional samples per sampler)`,
    '  model                     structural %  compositional %  unique %  novel %  matdisc-valid %  median Å³/atom',
    ...deNovo.map(
      ([k, v]) =>
        `  ${variant(k).padEnd(24)}${f(v.structural_validity_pct)}        ${f(v.compositional_validity_pct)}        ` +
        `${f(v.uniqueness_pct)}   ${f(v.novelty_pct)}   ${f(v.matdisc_validity_pct)}          ${f(v.median_volume_per_atom_a3)}`,
    ),
    ...Object.entries(p.de_novo_validity).map(
      ([k, v]) => `  ${k.padEnd(24)}${f(v.structural_pct)}        ${f(v.compositional_pct)}   (full MP-20)`,
    ),
    `  novelty against ${r.data.training_rows} training rows`,
    '',
    `Chemical-system conditioning (${r.conditioned.systems.join(', ')}; ${r.conditioned.samples_per_system} each)`,
    ...cond.map(
      ([k, v]) =>
        `  ${variant(k).padEnd(24)}adherence ${f(v.adherence_pct)} % (goal 100), uses every element ${f(v.uses_every_element_pct)} %, ` +
        `structural validity ${f(v.structural_validity_pct)} %, matdisc validity ${f(v.matdisc_validity_pct)} %`,
    ),
  ];
  return lines.join('\n');
}
