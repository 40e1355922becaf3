import type { Command } from 'commander';
import { log, printResult } from '../output.js';
import { positiveInteger } from '../option-parsers.js';

export function registerMatch(program: Command): void {
  program
    .command('match <a> <b>')
    .description(
      "compare two structure files with the structure matcher (pymatgen's StructureMatcher behaviour)",
    )
    .option('--ltol <x>', 'fractional length tolerance', '0.2')
    .option('--stol <x>', 'site tolerance, relative to (V/N)^(1/3)', '0.3')
    .option('--angle-tol <deg>', 'angle tolerance, degrees', '5')
    .option('--max-sites <n>', 'refuse structures with more sites than this (default: 2000)', positiveInteger)
    .option('--json', 'print {"match":bool,"rms":number|null}')
    .action(
      async (
        a: string,
        b: string,
        opts: { ltol: string; stol: string; angleTol: string; maxSites?: number; json?: boolean },
      ) => {
        const { readStructureFile } = await import('../../crystal/io/read-structure-file.js');
        const { StructureMatcher, MatcherLimitError } = await import('../../crystal/matcher/index.js');
        const { assertValidStructure } = await import('../../crystal/assert-valid-structure.js');
        const tolerance = (name: string, text: string) => {
          const value = Number(text);
          if (!Number.isFinite(value) || value <= 0)
            throw new Error(`--${name}: '${text}' is not a positive number`);
          return value;
        };
        const matcher = new StructureMatcher({
          ltol: tolerance('ltol', opts.ltol),
          stol: tolerance('stol', opts.stol),
          angleTol: tolerance('angle-tol', opts.angleTol),
          ...(opts.maxSites !== undefined ? { maxSites: opts.maxSites } : {}),
        });
        const [sa, sb] = await Promise.all([readStructureFile(a), readStructureFile(b)]);
        // A near-singular cell would never finish the lattice search: refuse it first.
        assertValidStructure(sa, { source: a });
        assertValidStructure(sb, { source: b });
        // Formulas and site counts answer most pairs at once, with the reason.
        const reason = matcher.mismatchReason(sa, sb);
        if (reason) log(`no match: ${reason}`);
        let match = false;
        let rms: number | null = null;
        try {
          match = reason === null && matcher.fit(sa, sb);
          rms = match ? (matcher.rmsDist(sa, sb)?.rms ?? null) : null;
        } catch (err) {
          if (!(err instanceof MatcherLimitError)) throw err;
          if (err.limit !== 'maxSites') throw new Error(`match ${a} ${b}: ${err.message}`, { cause: err });
          const file = err.value === sa.species.length ? a : b;
          throw new Error(
            `${file}: ${err.value} sites, more than --max-sites ${err.max}: the primitive-cell search grows ` +
              'as N², so it is refused rather than left running; reduce it to its primitive cell first, or raise --max-sites',
            { cause: err },
          );
        }
        printResult(Boolean(opts.json), { match, rms }, () =>
          match ? `match (rms ${rms?.toFixed(4)})` : `no match${reason ? `: ${reason}` : ''}`,
        );
      },
    );
}
