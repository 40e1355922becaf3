import type { Command } from 'commander';
import { log, printResult } from '../output.js';
import { positiveInteger } from '../option-parsers.js';
import type { MatcherCliOptions } from '../match-pair.js';

interface MatchOptions extends MatcherCliOptions {
  pairs?: string;
  all?: string[];
  against?: string[];
  json?: boolean;
}

const FORMS = 'give two files A B, --pairs FILE, or --all FILE... [--against FILE...]';

export function registerMatch(program: Command): void {
  program
    .command('match [a] [b]')
    .usage('[options] A B | --pairs FILE | --all FILE... [--against FILE...]')
    .description(
      "compare two structure files with the structure matcher (pymatgen's StructureMatcher behaviour); " +
        'many pairs in one process with --pairs or --all (each process start costs 1-4 s)',
    )
    .option('--ltol <x>', 'fractional length tolerance', '0.2')
    .option('--stol <x>', 'site tolerance, relative to (V/N)^(1/3)', '0.3')
    .option('--angle-tol <deg>', 'angle tolerance, degrees', '5')
    .option('--max-sites <n>', 'refuse structures with more sites than this (default: 2000)', positiveInteger)
    .option(
      '--pairs <file>',
      "compare the pairs listed in FILE: two paths per line, # comments, relative to FILE's folder",
    )
    .option('--all <files...>', 'compare every pair among these files (or each against --against)')
    .option('--against <files...>', 'with --all: compare every --all file against each of these')
    .option(
      '--json',
      'print {"match":bool,"rms":number|null}; in a batch, [{"a","b","match","rms","reason"}]',
    )
    .addHelpText(
      'after',
      [
        '',
        'Batch forms print one line per pair: "A  B  match (rms 0.0123)", "A  B  no match: <reason>",',
        'or "A  B  error: <reason>" for a pair that could not be compared (a file that cannot be read,',
        'an invalid structure, a cell over --max-sites); the batch goes on past errors. Exit code 0',
        'when every pair was compared (match or not), 1 when any pair had an error.',
        '',
        'Examples:',
        '  matdisc match a.cif POSCAR',
        '  matdisc match --pairs pairs.txt --json',
        '  matdisc match --all generated/*.cif --against reference/*.cif',
      ].join('\n'),
    )
    .action(async (a: string | undefined, b: string | undefined, opts: MatchOptions) => {
      const forms = [a !== undefined, opts.pairs !== undefined, opts.all !== undefined];
      if (forms.filter(Boolean).length > 1) throw new Error(`one form at a time: ${FORMS}`);
      if (opts.against !== undefined && opts.all === undefined)
        throw new Error(`--against needs --all FILE...: ${FORMS}`);
      if (opts.pairs !== undefined || opts.all !== undefined) await matchBatch(opts);
      else if (a !== undefined && b !== undefined) await matchOnePair(a, b, opts);
      else throw new Error(`match needs two structure files: ${FORMS}`);
    });
}

async function matchOnePair(a: string, b: string, opts: MatchOptions): Promise<void> {
  const { readStructureFile } = await import('../../crystal/io/read-structure-file.js');
  const { assertValidStructure } = await import('../../crystal/assert-valid-structure.js');
  const { comparePair, matcherFromOptions } = await import('../match-pair.js');
  const matcher = matcherFromOptions(opts);
  const [sa, sb] = await Promise.all([readStructureFile(a), readStructureFile(b)]);
  // A near-singular cell would never finish the lattice search: refuse it first.
  assertValidStructure(sa, { source: a });
  assertValidStructure(sb, { source: b });
  const { match, rms, reason } = comparePair(matcher, { file: a, structure: sa }, { file: b, structure: sb });
  if (reason) log(`no match: ${reason}`);
  printResult(Boolean(opts.json), { match, rms }, () =>
    match ? `match (rms ${rms?.toFixed(4)})` : `no match${reason ? `: ${reason}` : ''}`,
  );
}

async function matchBatch(opts: MatchOptions): Promise<void> {
  const { readStructureFile } = await import('../../crystal/io/read-structure-file.js');
  const { assertValidStructure } = await import('../../crystal/assert-valid-structure.js');
  const { matcherFromOptions } = await import('../match-pair.js');
  const { compareBatch, outcomeLine, pairsAcross, pairsAmong } = await import('../match-batch.js');
  const { readPairsFile } = await import('../match-pairs-file.js');
  const matcher = matcherFromOptions(opts);
  let pairs;
  if (opts.pairs !== undefined) pairs = await readPairsFile(opts.pairs);
  else if (opts.against !== undefined) pairs = pairsAcross(opts.all!, opts.against);
  else if (opts.all!.length >= 2) pairs = pairsAmong(opts.all!);
  else throw new Error(`--all needs two files or more (or --against FILE...) to make a pair: ${FORMS}`);

  const json = Boolean(opts.json);
  const outcomes = await compareBatch(
    pairs,
    matcher,
    async (file) => {
      const structure = await readStructureFile(file);
      // A near-singular cell would never finish the lattice search: refuse it first.
      assertValidStructure(structure, { source: file });
      return structure;
    },
    // Lines as they come, so a long batch shows its progress; JSON is one document at the end.
    json ? undefined : (outcome) => process.stdout.write(`${outcomeLine(outcome)}\n`),
  );
  const count = (p: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(p).length;
  const errors = count((o) => o.failed);
  log(
    `${outcomes.length} pairs: ${count((o) => o.row.match)} match, ${count((o) => !o.failed && !o.row.match)} ` +
      `no match, ${errors} error${errors === 1 ? '' : 's'}`,
  );
  if (json)
    printResult(
      true,
      outcomes.map((o) => o.row),
      () => '',
    );
  if (errors > 0) process.exitCode = 1;
}
