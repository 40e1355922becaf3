import type { Command } from 'commander';
import { pseudoDir } from '../paths.js';
import { log, printResult } from '../output.js';

interface DftOptions {
  engine: string;
  profile: string;
  calculation: 'scf' | 'relax' | 'vc-relax';
  scheduler: string;
  workDir?: string;
  json?: boolean;
}

export function registerDft(program: Command): void {
  program
    .command('dft <file>')
    .description('run one DFT calculation outside any campaign, with the same error handlers a campaign uses')
    .option('--engine <qe|vasp>', 'DFT code', 'qe')
    .option('--profile <test|production>', 'named parameter set', 'test')
    .option('--calculation <scf|relax|vc-relax>', 'what to compute (default: scf)', 'scf')
    .option('--scheduler <local|slurm>', 'where it runs', 'local')
    .option('--work-dir <dir>', 'attempt directories go here (default: a new folder under the data dir)')
    .option(
      '--json',
      'print {"converged","energy_ev","energy_per_atom_ev","forces_ev_per_a","stress_ev_per_a3","wall_s","attempts":[{"params","outcome"}]}',
    )
    .action(async (file: string, opts: DftOptions) => {
      const { readStructureFile } = await import('../../crystal/io/read-structure-file.js');
      const { engineFor, launcherFor } = await import('../../activities/dft/engine-registry.js');
      const { runCalculation } = await import('../../activities/dft/run-calculation.js');
      const { dataDir } = await import('../stack/data-dir.js');
      const { join, basename } = await import('node:path');
      if (!['scf', 'relax', 'vc-relax'].includes(opts.calculation)) {
        throw new Error(`--calculation: '${opts.calculation}' is not scf, relax or vc-relax`);
      }
      const structure = await readStructureFile(file);
      const { engine, params } = engineFor(opts.engine, opts.profile, opts.calculation, {
        pseudoDir: pseudoDir(),
      });
      const workRoot =
        opts.workDir ?? join(dataDir('dft'), `${basename(file).replace(/\W+/g, '_')}-${Date.now()}`);
      log(`${opts.engine} ${opts.calculation} (${opts.profile}) of ${file} in ${workRoot}`);
      const started = performance.now();
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort(new Error('interrupted')));
      const outcome = await runCalculation({
        structure,
        engine,
        profile: params,
        launcher: launcherFor(opts.scheduler),
        workRoot,
        signal: controller.signal,
        onProgress: (p) => log(`  attempt ${p.attempt}: ${JSON.stringify(p)}`),
      });
      const r = outcome.result;
      const report = {
        converged: outcome.status === 'converged',
        reason: outcome.reason,
        energy_ev: r?.energyEv ?? null,
        energy_per_atom_ev: r?.energyPerAtomEv ?? null,
        forces_ev_per_a: r?.forcesEvPerA ?? null,
        stress_ev_per_a3: r?.stressEvPerA3 ?? null,
        wall_s: (performance.now() - started) / 1000,
        attempts: outcome.attempts.map((a) => ({
          params: a.params,
          change: a.change,
          outcome: a.outcome,
          reason: a.reason,
          wall_s: a.wallS,
        })),
        work_dir: workRoot,
      };
      printResult(Boolean(opts.json), report, () =>
        [
          `${report.converged ? 'converged' : `FAILED: ${report.reason}`}; E = ${report.energy_ev?.toFixed(6) ?? '—'} eV (${report.energy_per_atom_ev?.toFixed(6) ?? '—'} eV/atom), ${report.wall_s.toFixed(1)} s`,
          ...report.attempts.map(
            (a, i) =>
              `  attempt ${i}: ${a.outcome}${a.change ? ` after ${JSON.stringify(a.change)}` : ''} (${a.wall_s.toFixed(1)} s)`,
          ),
        ].join('\n'),
      );
      if (!report.converged) process.exitCode = 2;
    });
}
