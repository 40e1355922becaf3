/**
 * `matdisc evaluate-generator`: scores a generator on held-out MP-20 rows (CSP match rate and
 * RMSE, de-novo validity, uniqueness, novelty, chemical-system adherence) and prints the numbers
 * beside the published ones; `--write-card` stores the report under the card's "metrics" key.
 *
 * Until the lead registers it in cli/main.ts, run it directly:
 *
 *   npx tsx cli/commands/evaluate-generator.ts --csp 60 --gen 60 --threads 2 [--write-card]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { log, printResult } from '../output.js';
import { nonNegativeInteger, withOnnxRuntimeOptions } from '../option-parsers.js';

interface EvaluateCliOptions {
  model?: string;
  csp: number;
  gen: number;
  systems: number;
  perSystem: number;
  seed: number;
  steps?: number;
  batchSize: number;
  threads?: number;
  device: 'auto' | 'cpu' | 'cuda';
  dataDir?: string;
  out?: string;
  writeCard?: boolean;
  samplers: string;
  json?: boolean;
}

export function registerEvaluateGenerator(program: Command): void {
  withOnnxRuntimeOptions(program.command('evaluate-generator'))
    .description(
      'score a generator on held-out MP-20 rows (CSP match rate/RMSE, de-novo validity, uniqueness, novelty, adherence) beside published numbers',
    )
    .option('--model <name|path>', 'generator name in models/generator/ or a path (default: diffcsp-mp20)')
    .option('--csp <n>', 'test compositions for CSP, one sample each', nonNegativeInteger, 100)
    .option('--gen <n>', 'unconditional de-novo samples', nonNegativeInteger, 100)
    .option(
      '--systems <n>',
      'chemical systems (from test rows) for conditioned generation',
      nonNegativeInteger,
      5,
    )
    .option('--per-system <n>', 'samples per chemical system', nonNegativeInteger, 10)
    .option('--seed <S>', 'seed of the subsets and the sampler', nonNegativeInteger, 0)
    .option(
      '--steps <K>',
      'respace the schedule to K steps (default: the full schedule; numbers are then not comparable)',
      nonNegativeInteger,
    )
    .option(
      '--samplers <list>',
      'sampler variants for de novo and conditioned runs: diffcsp (exact), clip_types (clip_denoised on types)',
      'diffcsp,clip_types',
    )
    .option('--data-dir <dir>', 'folder holding mp_20/ (default: ../shared/data beside the repository)')
    .option('--out <file>', 'also write the report JSON to this file')
    .option('--write-card', 'store the report under "metrics" in the model card (only that key is changed)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: EvaluateCliOptions) => {
      const sampler = await import('../../models/generator/index.js');
      const { evaluateGenerator, formatReport } =
        await import('../../models/generator/evaluate/evaluate-generator.js');
      const path = sampler.resolveGeneratorPath(opts.model);
      const model = await sampler.GeneratorModel.load(path, {
        executionProviders: opts.device,
        ...(opts.threads ? { intraOpThreads: opts.threads } : {}),
      });
      try {
        log(`evaluating ${model.name} on ${model.device.executionProvider}`);
        const report = await evaluateGenerator(model, {
          cspCount: opts.csp,
          genCount: opts.gen,
          systemCount: opts.systems,
          perSystem: opts.perSystem,
          seed: opts.seed,
          batchSize: opts.batchSize,
          typeClipVariants: opts.samplers.split(',').map((v) => {
            if (v !== 'diffcsp' && v !== 'clip_types') throw new InvalidArgumentError(`unknown sampler ${v}`);
            return v === 'clip_types';
          }),
          ...(opts.steps ? { steps: opts.steps } : {}),
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
          log,
        });
        if (opts.out) await writeFile(resolve(opts.out), `${JSON.stringify(report, null, 2)}\n`);
        if (opts.writeCard) {
          const cardPath = sampler.generatorCardPath(path);
          const card = JSON.parse(await readFile(cardPath, 'utf8')) as Record<string, unknown>;
          card.metrics = report; // only this key changes; the rest is the training package's
          await writeFile(cardPath, `${JSON.stringify(card, null, 1)}\n`);
          log(`wrote metrics into ${cardPath}`);
        }
        printResult(Boolean(opts.json), report, () => formatReport(report));
      } finally {
        await model.dispose();
      }
    });
}

// `npx tsx cli/commands/evaluate-generator.ts …` runs the command without cli/main.ts.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const program = new Command('matdisc-evaluate-generator');
  registerEvaluateGenerator(program);
  program
    .parseAsync(['node', 'matdisc', 'evaluate-generator', ...process.argv.slice(2)])
    .catch((err: unknown) => {
      process.stderr.write(`matdisc: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
