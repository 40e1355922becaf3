/**
 * `matdisc generate`: crystal structures from the diffusion generator, conditioned on a chemical
 * system (de novo) or a composition (CSP), written as CIF files.
 *
 * ```
 * matdisc generate --system Li-Si-O -n 100 --seed 7 --out gen/ --json
 * {"model": "diffcsp-mp20", "requested": 100, "valid": 93,
 *  "invalid": [{"index": 4, "reason": "too_close: atoms 0 (Li) and 3 (O) are 0.412 Å apart, …", "codes": ["too_close"], "file": "invalid/0004-Li3SiO2.cif"}, …],
 *  "files": ["0000-Li2SiO3.cif", …],
 *  "structures": [{"index": 0, "file": "0000-Li2SiO3.cif", "spaceGroup": {"number": 36, "symbol": "Cmc2_1"}}, …], …}
 * ```
 *
 * `structures` has one object per valid structure (the same order as `files`), with its space
 * group from moyo at symprec 0.1 Å (`spaceGroup` null, with a warning on stderr, when moyo cannot
 * analyse it).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { log, printResult } from '../output.js';
import { positiveInteger, safeInteger, withOnnxRuntimeOptions } from '../option-parsers.js';
import { ProgressLine, progressMode, withProgressOption } from '../progress/progress-line.js';

interface GenerateCliOptions {
  system?: string;
  composition?: string;
  num: number;
  natoms?: number;
  seed: number;
  model?: string;
  out: string;
  steps?: number;
  batchSize: number;
  threads?: number;
  device: 'auto' | 'cpu' | 'cuda';
  clipTypes?: boolean;
  allowSubsystems?: boolean;
  json?: boolean;
  progress?: boolean;
}

/** One invalid sample in `--json` output. */
interface InvalidRow {
  readonly index: number;
  /** Every reason, `code: message`, joined by '; '. */
  readonly reason: string;
  readonly codes: readonly string[];
  /** The structure under `<out>/invalid/`, or null when it has non-finite numbers. */
  readonly file: string | null;
}

/** One valid sample in `--json` output. */
interface StructureRow {
  readonly index: number;
  /** The CIF under `<out>/`, as in `files`. */
  readonly file: string;
  /** Space group at symprec 0.1 Å (moyo); null when it could not be determined. */
  readonly spaceGroup: { readonly number: number; readonly symbol: string } | null;
}

/** Distance tolerance of the reported space groups, Å (Materials Project's). */
const SPACE_GROUP_SYMPREC_A = 0.1;

export function registerGenerate(program: Command): void {
  withProgressOption(withOnnxRuntimeOptions(program.command('generate')))
    .description(
      'generate crystal structures with the diffusion generator (DiffCSP predictor-corrector sampler), ' +
        'conditioned on a chemical system or a composition, and write them as CIF files',
    )
    .option(
      '--system <elements>',
      'chemical system, e.g. Li-Si-O: each structure gets a drawn composition with every element ' +
        '(charge balanced where the system has an anion: O, N, F, Cl, Br, I, S, Se, Te, P, H) and only its types',
    )
    .option(
      '--allow-subsystems',
      'with --system: let structures miss elements of the system (de-novo type diffusion over its elements, DiffCSP ab initio)',
    )
    .option(
      '--composition <formula>',
      'composition for crystal structure prediction, e.g. Li2SiO3 (types fixed)',
    )
    .option('-n, --num <n>', 'number of structures to generate', positiveInteger, 10)
    .option(
      '--natoms <N>',
      'atoms per cell (default: drawn from the training distribution of the system; for --composition a multiple of the formula unit)',
      positiveInteger,
    )
    .option('--seed <S>', 'random seed; the same seed gives bit-identical structures', safeInteger, 0)
    .option(
      '--model <name|path>',
      'generator name in models/generator/ or a path to an .onnx file (default: models/generator/diffcsp-mp20.onnx)',
    )
    .requiredOption('--out <dir>', 'directory for the CIF files (invalid samples go to <dir>/invalid/)')
    .option(
      '--steps <K>',
      "respace the schedule to K network steps (default: the model's default_steps for a --system request, the full schedule otherwise)",
      positiveInteger,
    )
    .option(
      '--clip-types',
      "clip the network's clean-type estimate to [0, 1] at every step (DDPM clip_denoised; not in DiffCSP, steadies under-trained models)",
    )
    .option(
      '--json',
      'print {"model","requested","valid","invalid":[{"index","reason","codes","file"}],"files":[],' +
        '"structures":[{"index","file","spaceGroup":{"number","symbol"}}],"invalid_counts","warnings","seed","steps","wall_s"}',
    )
    .action(async (opts: GenerateCliOptions) => {
      if (opts.system !== undefined && opts.composition !== undefined) {
        throw new InvalidArgumentError('give either --system or --composition, not both');
      }
      if (opts.allowSubsystems && opts.system === undefined) {
        throw new InvalidArgumentError('--allow-subsystems goes with --system');
      }
      const { writeCif } = await import('../../crystal/io/cif.js');
      const { Structure } = await import('../../crystal/structure.js');
      const { spaceGroupOf } = await import('../../crystal/symmetry/index.js');
      const sampler = await import('../../models/generator/index.js');
      const request: import('../../models/generator/index.js').GenerationRequest =
        opts.composition !== undefined
          ? {
              kind: 'composition',
              composition: sampler.parseCompositionRequest(opts.composition),
              natoms: opts.natoms,
            }
          : opts.system !== undefined
            ? {
                kind: 'system',
                elements: sampler.parseChemicalSystem(opts.system),
                natoms: opts.natoms,
                allowSubsystems: Boolean(opts.allowSubsystems),
              }
            : { kind: 'unconditional', natoms: opts.natoms };
      const model = await sampler.GeneratorModel.load(sampler.resolveGeneratorPath(opts.model), {
        executionProviders: opts.device,
        ...(opts.threads ? { intraOpThreads: opts.threads } : {}),
      });
      try {
        if (model.card?.untrained)
          log(`generator ${model.name} is an untrained fixture: expect noise, not crystals`);
        const device = model.device;
        log(
          `generator ${model.name} on ${device.executionProvider}${device.fallbackReason ? ` (${device.fallbackReason})` : ''}: ` +
            `${opts.num} structures, seed ${opts.seed}`,
        );
        // Sampler steps × structures: the fraction done counts every network step of every batch.
        const progress = new ProgressLine(progressMode({ json: opts.json, forced: opts.progress }));
        progress.stage('generate', { total: opts.num, unit: 'structures' });
        let result;
        try {
          result = await sampler.generate(model, request, opts.num, {
            seed: opts.seed,
            batchSize: opts.batchSize,
            clipTypes: Boolean(opts.clipTypes),
            // Composition-fixed (CSP-mode) system requests keep their quality at the model's
            // measured default_steps (diffcsp-mp20: 100 of 1000, models/generator/README.md "Steps
            // vs quality"); de-novo and sub-system requests lose compositional validity when
            // respaced, so they keep the full schedule unless --steps says otherwise.
            steps:
              opts.steps ??
              (request.kind === 'system' && !request.allowSubsystems
                ? model.schedule.defaultSteps
                : model.schedule.numSteps),
            onProgress: (p) =>
              progress.update({
                done: p.samplesDone,
                fraction: (p.batch + p.step / p.steps) / p.batches,
                detail: `batch ${p.batch + 1}/${p.batches}, step ${p.step}/${p.steps}`,
              }),
          });
          progress.update({ done: result.samples.length, fraction: 1 });
        } finally {
          progress.end();
        }
        for (const w of result.warnings) log(`warning: ${w}`);
        const out = resolve(opts.out);
        await mkdir(out, { recursive: true });
        const width = Math.max(4, String(opts.num - 1).length);
        const files: string[] = [];
        const invalid: InvalidRow[] = [];
        const structures: StructureRow[] = [];
        for (const s of result.samples) {
          const finite =
            s.structure.lattice.every((r) => r.every(Number.isFinite)) &&
            s.structure.fracCoords.every((f) => f.every(Number.isFinite));
          const name = `${String(s.index).padStart(width, '0')}-${Structure.reducedFormula(s.structure)}.cif`;
          const rel = s.valid ? name : join('invalid', name);
          if (s.valid || finite) {
            await mkdir(join(out, s.valid ? '' : 'invalid'), { recursive: true });
            await writeFile(join(out, rel), writeCif(s.structure, { name: name.replace(/\.cif$/, '') }));
          }
          if (s.valid) {
            files.push(rel);
            let spaceGroup: StructureRow['spaceGroup'] = null;
            try {
              const g = spaceGroupOf(s.structure, { symprecA: SPACE_GROUP_SYMPREC_A });
              spaceGroup = { number: g.number, symbol: g.symbol };
            } catch (err) {
              log(`  ${rel}: no space group (${err instanceof Error ? err.message : String(err)})`);
            }
            structures.push({ index: s.index, file: rel, spaceGroup });
          } else {
            invalid.push({
              index: s.index,
              reason: s.reasons.map((r) => `${r.code}: ${r.message}`).join('; '),
              codes: s.reasons.map((r) => r.code),
              file: finite ? rel : null,
            });
          }
        }
        const summary = {
          model: result.model,
          requested: result.requested,
          valid: result.validCount,
          invalid,
          files,
          structures,
          invalid_counts: result.invalidCounts,
          warnings: result.warnings,
          out,
          seed: result.seed,
          steps: result.steps,
          wall_s: result.wallS,
        };
        printResult(Boolean(opts.json), summary, () =>
          [
            `${result.validCount}/${result.requested} valid (model ${result.model}, seed ${result.seed}, ${result.steps} steps, ${result.wallS.toFixed(1)} s) -> ${out}`,
            ...Object.entries(result.invalidCounts).map(([code, k]) => `  invalid: ${k} ${code}`),
          ].join('\n'),
        );
      } finally {
        await model.dispose();
      }
    });
}
