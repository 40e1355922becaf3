import type { Command } from 'commander';
import { printResult } from '../output.js';

export function registerHull(program: Command): void {
  program
    .command('hull')
    .description('convex hull of a chemical system from the stored reference phases and DFT results')
    .requiredOption('--system <A-B[-C…]>', 'chemical system, e.g. Li-O or Li-O-Si')
    .option('--level-of-theory <name>', 'required when the system holds entries at several levels of theory')
    .option(
      '--json',
      'print {"system","level_of_theory","entries":[{"entry_id","reduced_formula","formation_energy_per_atom_ev","e_above_hull_ev_per_atom","decomposition"}]}',
    )
    .action(async (opts: { system: string; levelOfTheory?: string; json?: boolean }) => {
      const { Database } = await import('../../db/database.js');
      const { hullOfSystem } = await import('../../db/hull-entries.js');
      const { withDatabaseUrl } = await import('../stack/with-database.js');
      await withDatabaseUrl(async (url) => {
        const db = await Database.connect({ url });
        try {
          const report = await hullOfSystem(db, opts.system, opts.levelOfTheory);
          printResult(Boolean(opts.json), report, () =>
            [
              `${report.system} (${report.level_of_theory}): ${report.entries.length} entries, ${report.entries.filter((e) => e.e_above_hull_ev_per_atom === 0).length} on the hull`,
              ...report.entries.map(
                (e) =>
                  `  ${e.reduced_formula.padEnd(14)} ${e.entry_id.padEnd(22)} Ef ${e.formation_energy_per_atom_ev.toFixed(3).padStart(7)}  E_hull ${e.e_above_hull_ev_per_atom.toFixed(3)} eV/atom` +
                  (e.decomposition.length
                    ? `  -> ${e.decomposition.map((d) => `${d.fraction.toFixed(2)} ${d.reduced_formula}`).join(' + ')}`
                    : ''),
              ),
            ].join('\n'),
          );
        } finally {
          await db.close();
        }
      });
    });
}
