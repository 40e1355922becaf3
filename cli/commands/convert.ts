/**
 * `matdisc convert`: one structure file into another format (`IN OUT`), or many files into a
 * folder in one process (`IN... --out-dir DIR --to FORMAT`). Every input is read and every output
 * checked before the first write, so a refusal leaves nothing behind.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Structure } from '../../crystal/structure.js';
import type { OutputFormat } from '../../crystal/io/write-structure.js';
import { log, printResult } from '../output.js';

/** The formats `--to` takes; spelled out here so `--help` needs no import of the writers. */
const FORMATS_TEXT = 'cif, poscar, extxyz or qe';
const TO_USAGE = '--to cif|poscar|extxyz|qe';

function parseOutputFormat(value: string): OutputFormat {
  if (value === 'cif' || value === 'poscar' || value === 'extxyz' || value === 'qe') return value;
  throw new InvalidArgumentError(`expected ${FORMATS_TEXT} (qe: a pw.x input)`);
}

interface ConvertOptions {
  to?: OutputFormat;
  outDir?: string;
  force?: boolean;
  json?: boolean;
}

/** One file to write: the structures of `input` that go into `output`. */
interface PlannedFile {
  readonly input: string;
  readonly output: string;
  readonly structures: readonly Structure[];
}

/** Everything `convert` will write, known before it writes anything. */
interface ConvertPlan {
  readonly format: OutputFormat;
  readonly files: readonly PlannedFile[];
}

/** One row of `--json`: one per structure written. */
interface ConvertRow {
  readonly input: string;
  readonly output: string;
  readonly formula: string;
  readonly sites: number;
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .usage('[options] IN OUT | IN... --out-dir DIR --to FORMAT')
    .description(
      'convert structure files between CIF, POSCAR, extended XYZ and Quantum ESPRESSO pw.x input; ' +
        'many files in one process with --out-dir (each process start costs 1-4 s)',
    )
    .argument('<files...>', "IN OUT (format from OUT's name, or --to); or IN... with --out-dir")
    .option('--to <format>', `output format: ${FORMATS_TEXT} (default: from OUT's name)`, parseOutputFormat)
    .option(
      '--out-dir <dir>',
      'write every input to DIR/<input name without extension>.<ext> (needs --to); an input with several ' +
        'structures (extxyz frames, CIF blocks) gives one file each, suffixed -1, -2, …',
    )
    .option('--force', 'overwrite output files that exist')
    .option('--json', 'print [{"input","output","formula","sites"}], one per structure written')
    .addHelpText(
      'after',
      [
        '',
        'Output names: *.cif, POSCAR/CONTCAR/*.vasp/*.poscar, *.xyz/*.extxyz, *.in/*.pwi (pw.x input;',
        'pseudopotential names <El>.UPF, ecutwfc and K_POINTS are placeholders). Nothing is written',
        'unless every input reads and no output exists (or --force).',
        '',
        'Examples:',
        '  matdisc convert mp-149.cif POSCAR',
        '  matdisc convert relaxed/*.extxyz --out-dir pw --to qe',
      ].join('\n'),
    )
    .action(async (files: string[], opts: ConvertOptions) => {
      const { mkdir, stat, writeFile } = await import('node:fs/promises');
      const { dirname } = await import('node:path');
      const { gzipSync } = await import('node:zlib');
      const { readStructuresFile } = await import('../../crystal/io/read-structure-file.js');
      const { assertValidStructure } = await import('../../crystal/assert-valid-structure.js');
      const { Structure: S } = await import('../../crystal/structure.js');
      const { writeStructures } = await import('../../crystal/io/write-structure.js');

      const { format, files: planned } = await planFiles(files, opts, async (input) => {
        const structures = await readStructuresFile(input);
        structures.forEach((s, index) =>
          assertValidStructure(s, { source: input, index: structures.length > 1 ? index : undefined }),
        );
        return structures;
      });

      // Every check before the first write, so a refusal leaves nothing behind.
      if (!opts.force) {
        const existing: string[] = [];
        for (const { output } of planned) if (await exists(output)) existing.push(output);
        if (existing.length > 0)
          throw new Error(
            `${existing[0]} exists${existing.length > 1 ? ` (and ${existing.length - 1} more outputs)` : ''}: ` +
              'pass --force to overwrite, or choose another output name or --out-dir',
          );
      }
      const folder = opts.outDir ?? dirname(planned[0]!.output);
      const folderStat = await stat(folder).catch(() => undefined);
      if (folderStat && !folderStat.isDirectory())
        throw new Error(
          `${folder} is a file, not a folder: choose another ${opts.outDir ? '--out-dir' : 'OUT'}`,
        );
      await mkdir(folder, { recursive: true });

      const rows: ConvertRow[] = [];
      for (const { input, output, structures } of planned) {
        const text = writeStructures(format, structures);
        const bytes = /\.gz$/i.test(output) ? gzipSync(text) : text;
        // 'wx' fails rather than overwrite a file that appeared since the check above.
        await writeFile(output, bytes, { flag: opts.force ? 'w' : 'wx' });
        const written = structures.map((s) => ({
          input,
          output,
          formula: S.reducedFormula(s),
          sites: s.species.length,
        }));
        rows.push(...written);
        const what =
          written.length > 1
            ? `${written.length} structures`
            : `${written[0]!.formula}, ${written[0]!.sites} sites`;
        log(`wrote ${output} (${format}, ${what}) from ${input}`);
      }
      // Without --json the lines above (stderr) are the whole report.
      if (opts.json) printResult(true, rows, () => '');
    });
}

/**
 * Which structures go to which file, for both forms: `IN OUT` (format from `--to` or OUT's name;
 * several structures only into a CIF or extxyz) and `IN... --out-dir DIR --to FORMAT` (one file per
 * structure). Reads every input first, so an unreadable one stops the run before anything is written.
 */
async function planFiles(
  files: readonly string[],
  opts: ConvertOptions,
  read: (input: string) => Promise<Structure[]>,
): Promise<ConvertPlan> {
  const { OUTPUT_EXTENSION, OUTPUT_FILE_NAMES_TEXT, holdsManyStructures, outputFormatFromFileName } =
    await import('../../crystal/io/write-structure.js');
  const { convertOutputPaths } = await import('../convert-output-names.js');

  if (opts.outDir !== undefined) {
    if (!opts.to)
      throw new Error(
        `--out-dir needs ${TO_USAGE}: the output names come from the inputs, so they cannot say the format`,
      );
    const format = opts.to;
    const inputs = [];
    for (const input of files) inputs.push({ input, structures: await read(input) });
    const paths = convertOutputPaths(
      inputs.map(({ input, structures }) => ({ input, count: structures.length })),
      opts.outDir,
      OUTPUT_EXTENSION[format],
    );
    const planned = inputs.flatMap(({ input, structures }, k) =>
      structures.map((s, i) => ({ input, output: paths[k]![i]!, structures: [s] })),
    );
    return { format, files: planned };
  }

  if (files.length !== 2)
    throw new Error(
      `convert takes IN OUT (got ${files.length} file${files.length === 1 ? '' : 's'}): to convert many files, ` +
        `pass them all with --out-dir DIR --to FORMAT`,
    );
  const [input, output] = files as [string, string];
  const named = outputFormatFromFileName(output);
  const format = opts.to ?? named;
  if (!format)
    throw new Error(
      `${output}: cannot tell the output format from the name: name it ${OUTPUT_FILE_NAMES_TEXT}, ` +
        `or pass ${TO_USAGE}`,
    );
  if (named && named !== format)
    log(`note: ${output} is named like a ${named} file but holds ${format} (--to): readers go by the name`);
  const structures = await read(input);
  if (structures.length > 1 && !holdsManyStructures(format))
    throw new Error(
      `${input} holds ${structures.length} structures and a ${format} file holds one: write one file per ` +
        `structure with --out-dir DIR --to ${format}, or convert to a .cif or .extxyz file`,
    );
  return { format, files: [{ input, output, structures }] };
}

async function exists(path: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  return stat(path).then(
    () => true,
    () => false,
  );
}
