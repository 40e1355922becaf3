import type { Command } from 'commander';
import { printResult } from '../output.js';

export function registerMatch(program: Command): void {
  program
    .command('match <a> <b>')
    .description(
      "compare two structure files with the structure matcher (pymatgen's StructureMatcher behaviour)",
    )
    .option('--ltol <x>', 'fractional length tolerance', '0.2')
    .option('--stol <x>', 'site tolerance, relative to (V/N)^(1/3)', '0.3')
    .option('--angle-tol <deg>', 'angle tolerance, degrees', '5')
    .option('--json', 'print {"match":bool,"rms":number|null}')
    .action(
      async (
        a: string,
        b: string,
        opts: { ltol: string; stol: string; angleTol: string; json?: boolean },
      ) => {
        const { readStructureFile } = await import('../../crystal/io/read-structure-file.js');
        const { StructureMatcher } = await import('../../crystal/matcher/index.js');
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
        });
        const [sa, sb] = await Promise.all([readStructureFile(a), readStructureFile(b)]);
        const match = matcher.fit(sa, sb);
        const rms = match ? (matcher.rmsDist(sa, sb)?.rms ?? null) : null;
        printResult(Boolean(opts.json), { match, rms }, () =>
          match ? `match (rms ${rms?.toFixed(4)})` : 'no match',
        );
      },
    );
}
