/**
 * Benchmark: rediscovery of known stable phases that the generator never saw (issue 16, item 6).
 *
 * Known phases: the MP-20 TEST rows (`biternary/test` + `pilot_first1000/test`, deduplicated by
 * material_id) of a binary system with e_above_hull = 0. A system is accepted only when no
 * training row of the generator (the card's `training_files_for_novelty`) has exactly its element
 * set; a system that has one is refused, named, before anything runs. (Ternary training rows that
 * contain both elements are counted and printed, not refused: they are not compounds of the
 * binary system.)
 *
 * Part 1, the generator (default): per system, N structures conditioned on the system (default
 * 100 respaced steps, fixed seed), each valid one relaxed with the MLIP (FIRE + cell filter, fmax
 * 0.1 eV/Å, ≤ 150 steps: a campaign's defaults), then per known phase:
 *
 * - samples until the first match as generated (DiffCSP's matcher, ltol 0.3, stol 0.5, angle 10:
 *   the generator's CSP metric) and after relaxation (the campaign's matcher, 0.2/0.3/5), and how
 *   many match (an invalid sample counts as a sample that does not match);
 * - the campaign-like acquisition: the relaxed pool deduplicated with the campaign's matcher (in
 *   sample order, the first of a group kept), ranked greedily by MLIP energy above the hull of the
 *   pool (hull vertices, all at 0, by formation energy), gives "DFT calculations until matched if
 *   the campaign sent candidates in this order"; random selection from the same U unique
 *   candidates, K of them matching, needs (U + 1)/(K + 1) draws on average; enrichment = random /
 *   ranked (a DAF-like ratio).
 *
 * The hull of the pool: its unique candidates plus the elements, each element's energy its MLIP
 * reference as `placeOnHull` computes it with no imported phase (`mlipElementalReferenceEnergy`:
 * the molecule for F, O, N…, the solids otherwise) and any pure-element sample of the pool. No known compound is on it: the phases are held out.
 *
 * Part 2, a real campaign (`--campaign ID`): reads a finished campaign from `DATABASE_URL`, the
 * running stack of `--data-dir` or its embedded PGlite database (`withDatabase`): its candidate
 * DFT calculations (elemental references left out) in order of completion, and its pool (the
 * relaxed candidates that are no duplicate); matches both against the known stable phases of the
 * campaign's binary systems with the campaign's matcher and prints DFT calculations until each
 * phase was matched against random selection from the pool, and the ratio.
 *
 *   npx tsx bench/rediscovery.ts [--systems Li-F,Al-As,Li-Se,Zn-Te,Rb-F,Ca-In] [--n 16] [--natoms N]
 *       [--steps 100] [--seed 0] [--mlip universal-committee] [--fmax 0.1] [--relax-steps 150]
 *       [--generator NAME|PATH] [--threads 2] [--mp20 DIR] [--out FILE.json]
 *   npx tsx bench/rediscovery.ts --campaign ID [--data-dir DIR] [--mp20 DIR] [--out FILE.json]
 *
 * Relaxation costs about 12 s a structure on a 2-core host, so a system of 16 takes ~3 minutes.
 * MP-20 is read from `--mp20`, else `$MATDISC_MP20_ROOT`, else `../shared/data/mp_20`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { STRUCTURE_INPUT_LIMITS } from '../crystal/assert-valid-structure.js';
import { PDEntry, PhaseDiagram } from '../crystal/hull/index.js';
import { MatcherLimitError, StructureMatcher } from '../crystal/matcher/index.js';
import { Structure } from '../crystal/structure.js';
import { checkValidity } from '../crystal/validity.js';
import { withDatabase } from '../cli/stack/with-database.js';
import { campaignSystems } from '../contracts/campaign-config.js';
import { findCampaignConfig } from '../db/campaigns.js';
import { readReferenceRecords, E_ABOVE_HULL_TOLERANCE_EV_PER_ATOM } from '../db/reference-records.js';
import { structureFromRow } from '../db/structure-row.js';
import { DIFFCSP_MATCHER } from '../models/generator/evaluate/metrics.js';
import {
  GeneratorModel,
  generate,
  generatorCardPath,
  parseChemicalSystem,
  resolveGeneratorPath,
} from '../models/generator/index.js';
import { MlipModel, resolveModelPath } from '../models/mlip/index.js';
import { mlipElementalReferenceEnergy } from '../campaign/mlip-elemental-reference.js';
import { StopReason, relax } from '../models/relax/index.js';
import { MP20_TEST_FILES } from '../cli/demo/known-phases.js';
import {
  cell,
  dedupe,
  enrichment,
  expectedRandomDraws,
  firstIndex,
  greedyOrder,
  markdownTable,
  meanOf,
  systemKey,
} from './rediscovery/enrichment.js';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const num = (key: string, fallback: number) => {
  const v = Number(args.get(key) ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${key} must be a non-negative number`);
  return v;
};
const mp20Root = resolve(
  args.get('--mp20') ??
    process.env.MATDISC_MP20_ROOT ??
    resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'mp_20'),
);
const TEST_FILES = MP20_TEST_FILES;
/** The campaign's matcher: deduplication and known matches (ltol 0.2, stol 0.3, angle 5). */
const campaignMatcher = new StructureMatcher();
const diffcspMatcher = new StructureMatcher(DIFFCSP_MATCHER);

interface Mp20Phase {
  readonly materialId: string;
  readonly file: string;
  readonly system: string;
  readonly formula: string;
  readonly structure: Structure;
  readonly eAboveHullEvPerAtom: number | null;
}

/** Every readable row of an MP-20 CSV; unreadable rows are counted on stderr, not fatal. */
async function readPhases(file: string): Promise<Mp20Phase[]> {
  const out: Mp20Phase[] = [];
  let rejected = 0;
  for await (const r of readReferenceRecords(resolve(mp20Root, file))) {
    if (!('structure' in r)) {
      rejected += 1;
      continue;
    }
    let structure: Structure;
    try {
      structure = r.structure();
    } catch {
      rejected += 1;
      continue;
    }
    out.push({
      materialId: r.externalId,
      file,
      system: Structure.chemicalSystem(structure),
      formula: Structure.reducedFormula(structure),
      structure,
      eAboveHullEvPerAtom: r.eAboveHullEvPerAtom,
    });
  }
  if (rejected) process.stderr.write(`${file}: ${rejected} rows unreadable, skipped\n`);
  return out;
}

/** Test rows of both files, first occurrence of each material_id kept. */
async function readTestPhases(): Promise<Mp20Phase[]> {
  const seen = new Set<string>();
  const out: Mp20Phase[] = [];
  for (const f of TEST_FILES)
    for (const p of await readPhases(f)) {
      if (seen.has(p.materialId)) continue;
      seen.add(p.materialId);
      out.push(p);
    }
  return out;
}

/** The known stable phases of `system` among the test rows (e_above_hull 0 within 1e-6). */
function knownStable(test: readonly Mp20Phase[], system: string): Mp20Phase[] {
  return test.filter(
    (p) =>
      p.system === system &&
      p.eAboveHullEvPerAtom !== null &&
      p.eAboveHullEvPerAtom <= E_ABOVE_HULL_TOLERANCE_EV_PER_ATOM,
  );
}

/** `matcher.fit`, false for different formulas and for cells beyond the matcher's limit. */
function fits(matcher: StructureMatcher, a: Structure, b: Structure): boolean {
  if (Structure.reducedFormula(a) !== Structure.reducedFormula(b)) return false;
  try {
    return matcher.fit(a, b);
  } catch (err) {
    if (err instanceof MatcherLimitError) return false;
    throw err;
  }
}

const compositionOf = (s: Structure): Record<string, number> => Object.fromEntries(Structure.composition(s));

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One row of the results: a known phase in one system (part 1) or one campaign (part 2). */
interface PhaseResult {
  readonly system: string;
  readonly material_id: string;
  readonly formula: string;
  readonly n_sites: number;
  /** Part 1 only: samples until the first match, as generated / after relaxation; matches. */
  readonly samples_until_match_generated?: number | null;
  readonly matching_generated?: number;
  readonly samples_until_match_relaxed?: number | null;
  readonly matching_relaxed?: number;
  /** Unique candidates of the pool, and how many match. */
  readonly pool_unique: number;
  readonly pool_matching: number;
  /** DFT calculations until matched: ranked order (part 1) or the campaign's real order (part 2). */
  readonly dft_until_match: number | null;
  readonly random_expected: number | null;
  readonly enrichment: number | null;
  /** Part 1: MLIP energy above the pool's hull of the first matching candidate, eV/atom. */
  readonly matched_e_above_pool_hull_ev_per_atom?: number | null;
  /** Part 2: status of the first DFT calculation on a matching candidate. */
  readonly matched_dft_status?: string | null;
  readonly matched_dft_confirmed_stable?: boolean | null;
}

/** Training rows of the generator: the card's `training_files_for_novelty`. */
async function trainingFiles(generatorPath: string): Promise<string[]> {
  const card = JSON.parse(await readFile(generatorCardPath(generatorPath), 'utf8')) as {
    metrics?: { data?: { training_files_for_novelty?: unknown } };
  };
  const files = card.metrics?.data?.training_files_for_novelty;
  if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string'))
    throw new Error(
      `${generatorCardPath(generatorPath)}: metrics.data.training_files_for_novelty is missing; ` +
        'cannot check that a system is held out',
    );
  return files as string[];
}

/** Refuses (exit 1) every system that is not binary, not held out, or has no known stable phase. */
function checkSystems(
  systems: readonly string[],
  training: readonly Mp20Phase[],
  test: readonly Mp20Phase[],
  files: readonly string[],
): void {
  const refusals: string[] = [];
  for (const system of systems) {
    const els = system.split('-');
    if (els.length !== 2) {
      refusals.push(`${system}: not a binary system`);
      continue;
    }
    const inTraining = training.filter((r) => r.system === system);
    if (inTraining.length > 0)
      refusals.push(
        `${system}: ${inTraining.length} training row(s) of the generator have this element set ` +
          `(${inTraining
            .slice(0, 5)
            .map((r) => `${r.materialId} ${r.formula} in ${r.file}`)
            .join(', ')}${inTraining.length > 5 ? ', …' : ''}); its compounds are not held out`,
      );
    else if (knownStable(test, system).length === 0)
      refusals.push(`${system}: no MP-20 test row of this system has e_above_hull 0`);
  }
  if (refusals.length > 0) {
    process.stderr.write(
      `refused (training files ${files.join(', ')}; test files ${TEST_FILES.join(', ')}):\n` +
        refusals.map((r) => `  ${r}\n`).join(''),
    );
    process.exit(1);
  }
}

async function generatorPart(): Promise<PhaseResult[]> {
  const systems = (args.get('--systems') ?? args.get('--system') ?? 'Li-F,Al-As,Li-Se,Zn-Te,Rb-F,Ca-In')
    .split(',')
    .map((s) => systemKey(parseChemicalSystem(s.trim())));
  const n = num('--n', 16);
  // Atoms per cell: drawn per sample (the default), or fixed as a campaign's chemistry.natoms.
  const natoms = args.has('--natoms') ? num('--natoms', 0) : undefined;
  const seed = num('--seed', 0);
  const threads = num('--threads', 2);
  const fmax = num('--fmax', 0.1);
  const relaxSteps = num('--relax-steps', 150);
  const generatorPath = resolveGeneratorPath(args.get('--generator'));

  const files = await trainingFiles(generatorPath);
  const started = performance.now();
  const training = (await Promise.all(files.map(readPhases))).flat();
  const test = await readTestPhases();
  process.stderr.write(
    `MP-20: ${training.length} training rows (${files.join(', ')}), ${test.length} distinct test rows, ` +
      `read in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  checkSystems(systems, training, test, files);

  const generator = await GeneratorModel.load(generatorPath, { intraOpThreads: threads });
  const mlip = await MlipModel.load(await resolveModelPath(args.get('--mlip') ?? 'universal-committee'), {
    executionProviders: 'cpu',
    intraOpThreads: threads,
  });
  const steps = num('--steps', generator.schedule.defaultSteps);
  process.stdout.write(
    `generator ${generator.name} (${steps} steps, seed ${seed}), MLIP ${mlip.name} (fmax ${fmax} eV/Å, ≤ ${relaxSteps} steps), ` +
      `${n} samples per system: ${systems.join(', ')}\n\n`,
  );
  const elementEnergy = new Map<string, number>();
  const results: PhaseResult[] = [];
  try {
    for (const system of systems) {
      const t0 = performance.now();
      const elements = system.split('-');
      const known = knownStable(test, system);
      const supersets = training.filter((r) => elements.every((e) => r.system.split('-').includes(e))).length;
      const gen = await generate(generator, { kind: 'system', elements, ...(natoms ? { natoms } : {}) }, n, {
        seed,
        steps,
      });
      const valid = gen.samples.filter((s) => s.valid);
      const relaxed = await relax(
        mlip,
        valid.map((s) => s.structure),
        { fmax, steps: relaxSteps },
      );
      for (const el of elements.filter((e) => !elementEnergy.has(e)))
        elementEnergy.set(el, await mlipElementalReferenceEnergy(mlip, el, [], { fmax, steps: relaxSteps }));
      // Per sample: its relaxed structure where it was valid and stayed valid with a finite energy
      // (as the campaign's relaxAndScore: a relaxation stopped on a collapsing cell is left out).
      const relaxedOf = new Map<number, { structure: Structure; energyEv: number; converged: boolean }>();
      for (const [k, r] of relaxed.entries())
        if (
          r.stopReason !== StopReason.unphysical &&
          Number.isFinite(r.energyEv) &&
          checkValidity(r.structure, STRUCTURE_INPUT_LIMITS).valid
        )
          relaxedOf.set(valid[k]!.index, {
            structure: r.structure,
            energyEv: r.energyEv,
            converged: r.converged,
          });

      // The pool: relaxed samples in sample order, deduplicated with the campaign's matcher.
      const poolSamples = [...relaxedOf.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
      const { unique } = dedupe(poolSamples, (a, b) => fits(campaignMatcher, a.structure, b.structure));
      const pool = unique.map((i) => poolSamples[i]!);
      const elementEntries = elements.map((el) =>
        PDEntry.fromEnergyPerAtom(`element:${el}`, { [el]: 1 }, elementEnergy.get(el)!),
      );
      const entries = pool.map((c, i) => PDEntry.create(`c${i}`, compositionOf(c.structure), c.energyEv));
      const pd = await PhaseDiagram.build([...elementEntries, ...entries]);
      const ranked = entries.map((e) => ({
        eAboveHullEvPerAtom: pd.eAboveHull(e),
        formationEnergyPerAtomEv: pd.formationEnergyPerAtom(e),
      }));
      const order = greedyOrder(ranked);

      for (const phase of known) {
        const asGenerated = gen.samples.map(
          (s) => s.valid && fits(diffcspMatcher, s.structure, phase.structure),
        );
        const afterRelax = gen.samples.map((s) => {
          const r = relaxedOf.get(s.index);
          return r !== undefined && fits(campaignMatcher, r.structure, phase.structure);
        });
        const poolMatches = pool.map((c) => fits(campaignMatcher, c.structure, phase.structure));
        const rank = firstIndex(order.map((i) => poolMatches[i]!));
        const random = expectedRandomDraws(pool.length, poolMatches.filter(Boolean).length);
        results.push({
          system,
          material_id: phase.materialId,
          formula: phase.formula,
          n_sites: phase.structure.species.length,
          samples_until_match_generated: firstIndex(asGenerated),
          matching_generated: asGenerated.filter(Boolean).length,
          samples_until_match_relaxed: firstIndex(afterRelax),
          matching_relaxed: afterRelax.filter(Boolean).length,
          pool_unique: pool.length,
          pool_matching: poolMatches.filter(Boolean).length,
          dft_until_match: rank,
          random_expected: random,
          enrichment: enrichment(random, rank),
          matched_e_above_pool_hull_ev_per_atom:
            rank === null ? null : round(ranked[order[rank - 1]!]!.eAboveHullEvPerAtom),
        });
      }
      const converged = relaxed.filter((r) => r.converged).length;
      process.stderr.write(
        `${system}: ${gen.validCount}/${n} valid, ${converged}/${relaxed.length} relaxations converged, ` +
          `${relaxedOf.size} valid after relaxation, ${pool.length} unique, ${known.length} known stable phase(s) ` +
          `(${known.map((k) => `${k.formula} ${k.materialId}`).join(', ')}); ${supersets} training rows hold both ` +
          `elements with others; ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
      );
    }
  } finally {
    await generator.dispose();
    await mlip.dispose();
  }
  const notIn = (v: number | null | undefined) => (v === null || v === undefined ? `not in ${n}` : String(v));
  process.stdout.write(
    markdownTable(
      [
        'system',
        'known stable phase',
        'samples to 1st match, as generated',
        'matching, generated',
        'samples to 1st match, relaxed',
        'matching, relaxed',
        'unique U',
        'matching K',
        'DFT to match, ranked',
        'DFT to match, random (U+1)/(K+1)',
        'enrichment',
        'E above pool hull of match (meV/atom)',
      ],
      results.map((r) => [
        r.system,
        `${r.formula} (${r.material_id}, ${r.n_sites} sites)`,
        notIn(r.samples_until_match_generated),
        String(r.matching_generated),
        notIn(r.samples_until_match_relaxed),
        String(r.matching_relaxed),
        String(r.pool_unique),
        String(r.pool_matching),
        r.dft_until_match === null ? 'not in pool' : String(r.dft_until_match),
        cell(r.random_expected, 2),
        cell(r.enrichment, 2),
        r.matched_e_above_pool_hull_ev_per_atom == null
          ? '–'
          : (1000 * r.matched_e_above_pool_hull_ev_per_atom).toFixed(0),
      ]),
    ) + '\n',
  );
  summary(results);
  return results;
}

interface CandidateRow {
  readonly id: string;
  readonly species: string[];
  readonly lattice_a: unknown;
  readonly frac_coords: unknown;
}

interface DftRow extends CandidateRow {
  readonly dft_id: string;
  readonly structure_id: string;
  readonly status: string;
  readonly dft_confirmed_stable: boolean | null;
  readonly round_index: number | null;
}

async function campaignPart(campaignId: string): Promise<PhaseResult[]> {
  const test = await readTestPhases();
  return withDatabase(
    async (db) => {
      const config = await findCampaignConfig(db, campaignId);
      if (!config) {
        const recent = await db.query<{ id: string }>(
          'SELECT id FROM campaigns ORDER BY created_at DESC LIMIT 10',
        );
        throw new Error(
          `no campaign ${JSON.stringify(campaignId)}; recent: ${recent.rows.map((r) => r.id).join(', ') || 'none'}`,
        );
      }
      const status = (
        await db.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [campaignId])
      ).rows[0]!.status;
      // The pool: relaxed candidates of the campaign that duplicate nothing earlier (what its hull and
      // DFT selection chose from), in id order.
      const pool = (
        await db.query<CandidateRow>(
          `SELECT s.id::text AS id, s.species, s.lattice_a, s.frac_coords FROM structures s
            WHERE s.campaign_id = $1 AND s.origin = 'relaxed' AND s.duplicate_of_id IS NULL ORDER BY s.id`,
          [campaignId],
        )
      ).rows;
      // Candidate DFT calculations (elemental references have reference_element) in order of completion
      // (updated_at is set when the outcome is stored); unfinished ones last.
      const dft = (
        await db.query<DftRow>(
          `SELECT d.id::text AS dft_id, d.structure_id::text AS structure_id, d.status, d.dft_confirmed_stable,
                  r.round_index, s.id::text AS id, s.species, s.lattice_a, s.frac_coords
             FROM dft_calculations d JOIN structures s ON s.id = d.structure_id
             LEFT JOIN rounds r ON r.id = d.round_id
            WHERE d.campaign_id = $1 AND d.reference_element IS NULL
            ORDER BY (d.status IN ('converged', 'failed')) DESC, d.updated_at, d.id`,
          [campaignId],
        )
      ).rows;
      const finished = dft.filter((d) => d.status === 'converged' || d.status === 'failed');
      const systems = campaignSystems(config);
      process.stdout.write(
        `campaign ${campaignId} (${status}): systems ${systems.join(', ')}; ${pool.length} unique relaxed candidates; ` +
          `${finished.length} finished candidate DFT calculations (${finished.filter((d) => d.status === 'converged').length} converged` +
          `${dft.length > finished.length ? `, ${dft.length - finished.length} unfinished, not counted` : ''})\n\n`,
      );
      const poolStructures = pool.map(structureFromRow);
      const dftStructures = finished.map(structureFromRow);
      const results: PhaseResult[] = [];
      for (const system of systems.map((s) => systemKey(s.split('-')))) {
        if (system.split('-').length !== 2) {
          process.stderr.write(`${system}: not a binary system, skipped\n`);
          continue;
        }
        const known = knownStable(test, system);
        if (known.length === 0) process.stderr.write(`${system}: no MP-20 test row with e_above_hull 0\n`);
        for (const phase of known) {
          const poolMatches = poolStructures.filter((s) => fits(campaignMatcher, s, phase.structure)).length;
          const dftMatches = dftStructures.map((s) => fits(campaignMatcher, s, phase.structure));
          const at = firstIndex(dftMatches);
          const random = expectedRandomDraws(pool.length, poolMatches);
          results.push({
            system,
            material_id: phase.materialId,
            formula: phase.formula,
            n_sites: phase.structure.species.length,
            pool_unique: pool.length,
            pool_matching: poolMatches,
            dft_until_match: at,
            random_expected: random,
            enrichment: enrichment(random, at),
            matched_dft_status: at === null ? null : finished[at - 1]!.status,
            matched_dft_confirmed_stable: at === null ? null : finished[at - 1]!.dft_confirmed_stable,
          });
        }
      }
      process.stdout.write(
        markdownTable(
          [
            'system',
            'known stable phase',
            'unique U',
            'matching K',
            'DFT calculations to match',
            'DFT status of the match (DFT stable)',
            'random (U+1)/(K+1)',
            'enrichment',
          ],
          results.map((r) => [
            r.system,
            `${r.formula} (${r.material_id}, ${r.n_sites} sites)`,
            String(r.pool_unique),
            String(r.pool_matching),
            r.dft_until_match === null ? `not in ${finished.length}` : String(r.dft_until_match),
            r.matched_dft_status == null
              ? '–'
              : `${r.matched_dft_status} (${r.matched_dft_confirmed_stable === null ? '?' : r.matched_dft_confirmed_stable ? 'yes' : 'no'})`,
            cell(r.random_expected, 2),
            cell(r.enrichment, 2),
          ]),
        ) + '\n',
      );
      summary(results);
      return results;
    },
    { dataDir: args.get('--data-dir') },
  );
}

function summary(results: readonly PhaseResult[]): void {
  const found = results.filter((r) => r.enrichment !== null);
  const mean = meanOf(results.map((r) => r.enrichment));
  process.stdout.write(
    `\nmean enrichment (random / DFT until matched) over the ${found.length} of ${results.length} known phases ` +
      `that were matched: ${mean === null ? '–' : mean.toFixed(2)}\n`,
  );
}

const campaignId = args.get('--campaign');
const results = campaignId ? await campaignPart(campaignId) : await generatorPart();
const out = args.get('--out');
if (out) await writeFile(out, JSON.stringify({ results }, null, 1) + '\n');
