import type { Command } from 'commander';
import { constants } from 'node:os';
import { DEFAULT_MAX_DFT_SITES, MAX_DFT_SITES_ENV } from '../../dft/size-limit.js';
import { pseudoDir } from '../paths.js';
import { log, printError, printResult } from '../output.js';
import { positiveInteger } from '../option-parsers.js';
import { ProgressLine, progressMode, withProgressOption } from '../progress/progress-line.js';

interface DftOptions {
  engine: string;
  profile: string;
  calculation: 'scf' | 'relax' | 'vc-relax';
  scheduler: string;
  workDir?: string;
  maxSites?: number;
  json?: boolean;
  progress?: boolean;
}

export function registerDft(program: Command): void {
  withProgressOption(program.command('dft <file>'))
    .description('run one DFT calculation outside any campaign, with the same error handlers a campaign uses')
    .option('--engine <qe|vasp>', 'DFT code', 'qe')
    .option(
      '--profile <test|standard|production>',
      "named parameter set: 'test' is fast and provisional, 'standard' converged (k-points, smearing, GGA+U as MP)",
      'test',
    )
    .option('--calculation <scf|relax|vc-relax>', 'what to compute (default: scf)', 'scf')
    .option('--scheduler <local|slurm>', 'where it runs', 'local')
    .option('--work-dir <dir>', 'attempt directories go here (default: a new folder under the data dir)')
    .option(
      '--max-sites <n>',
      `refuse cells with more sites than this (default: ${MAX_DFT_SITES_ENV}, else ${DEFAULT_MAX_DFT_SITES})`,
      positiveInteger,
    )
    .option(
      '--json',
      'print {"converged","energy_ev","energy_per_atom_ev","forces_ev_per_a","stress_ev_per_a3","wall_s","attempts":[{"params","outcome"}]}',
    )
    .action(async (file: string, opts: DftOptions) => {
      const { readStructureFile } = await import('../../crystal/io/read-structure-file.js');
      const { engineFor, launcherFor } = await import('../../dft/engine-registry.js');
      const { runCalculation } = await import('../../dft/run-calculation.js');
      const { checkDftSize, maxDftSites } = await import('../../dft/size-limit.js');
      const { dataDir } = await import('../stack/data-dir.js');
      const { join, basename } = await import('node:path');
      if (!['scf', 'relax', 'vc-relax'].includes(opts.calculation)) {
        throw new Error(`--calculation: '${opts.calculation}' is not scf, relax or vc-relax`);
      }
      const { assertValidStructure } = await import('../../crystal/assert-valid-structure.js');
      const structure = await readStructureFile(file);
      assertValidStructure(structure, { source: file }); // the engines' own limits, named with the file
      const maxSites = opts.maxSites ?? maxDftSites();
      checkDftSize(structure, maxSites, opts.engine); // before any directory is made
      const { engine, params } = engineFor(opts.engine, opts.profile, opts.calculation, {
        pseudoDir: pseudoDir(),
      });
      const workRoot =
        opts.workDir ?? join(dataDir('dft'), `${basename(file).replace(/\W+/g, '_')}-${Date.now()}`);
      log(`${opts.engine} ${opts.calculation} (${opts.profile}) of ${file} in ${workRoot}`);
      const started = performance.now();
      // pw.x (or VASP) prints an SCF iteration at a time: the line shows the attempt, the ionic steps
      // done (relaxations) and the iteration with its energy and accuracy; no total, so no ETA.
      const progress = new ProgressLine(progressMode({ json: opts.json, forced: opts.progress }));
      let attempt = -1;
      const onProgress = (p: import('../../dft/run-calculation.js').DftProgress) => {
        if (p.attempt !== attempt) {
          attempt = p.attempt;
          progress.stage(`${opts.engine} ${opts.calculation}, attempt ${p.attempt}`, {
            unit: 'ionic steps',
            continueClock: true,
          });
        }
        progress.update({
          done: opts.calculation === 'scf' ? undefined : p.ionicStep,
          detail:
            `SCF iteration ${p.scfIteration}` +
            (p.energyEv !== null ? `, E ${p.energyEv.toFixed(4)} eV` : '') +
            (p.scfAccuracyEv !== null ? `, accuracy ${p.scfAccuracyEv.toExponential(1)} eV` : ''),
        });
      };
      progress.stage(`${opts.engine} ${opts.calculation}, starting`);
      // The job runs in a session of its own (so it can be killed as a tree), so a signal to this
      // process does not reach pw.x: on SIGINT/SIGTERM, abort, which kills the whole tree, then
      // exit 128+signal. A second signal exits at once (the launcher's exit hook SIGKILLs the tree).
      const controller = new AbortController();
      let interrupted: NodeJS.Signals | null = null;
      const onSignal = (signal: NodeJS.Signals) => {
        if (interrupted) process.exit(128 + constants.signals[signal]);
        interrupted = signal;
        progress.log(`${signal}: stopping the DFT run and killing its processes`);
        controller.abort(new Error(`interrupted by ${signal}`));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let outcome;
      try {
        outcome = await runCalculation({
          structure,
          engine,
          profile: params,
          launcher: launcherFor(opts.scheduler),
          workRoot,
          maxSites,
          signal: controller.signal,
          onProgress,
        });
      } catch (err) {
        if (!interrupted) throw err;
        printError(
          Boolean(opts.json),
          new Error(`interrupted by ${interrupted}; the DFT processes were killed`),
        );
        process.exitCode = 128 + constants.signals[interrupted];
        return;
      } finally {
        progress.end();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
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
