import type { Command } from 'commander';
import type { Structure } from '../../crystal/structure.js';
import { printResult } from '../output.js';
import { positiveInteger, positiveNumber, finiteNumber, parseDevice } from '../option-parsers.js';
import { ProgressLine, progressMode, withProgressOption } from '../progress/progress-line.js';

/** 1 eV/Å³ in GPa. */
const GPA_PER_EV_PER_A3 = 160.21766208;

/** One line of `matdisc relax --json`. */
interface RelaxRow {
  readonly file: string;
  readonly index: number;
  readonly formula: string;
  readonly n_atoms: number;
  readonly converged: boolean;
  readonly stop_reason: string;
  readonly n_steps: number;
  readonly energy_ev: number;
  readonly energy_per_atom_ev: number;
  readonly fmax_ev_per_a: number;
  readonly volume_a3: number;
  readonly stress_ev_per_a3: readonly (readonly number[])[];
  readonly uncertainty: { readonly energy_std_ev_per_atom: number; readonly max_force_dev_ev_per_a: number };
  readonly output: string | null;
}

interface RelaxCliOptions {
  model?: string;
  fmax: number;
  steps: number;
  out?: string;
  fixedCell?: boolean;
  pressureGpa: number;
  device: 'auto' | 'cpu' | 'cuda';
  json?: boolean;
  progress?: boolean;
}

export function registerRelax(program: Command): void {
  withProgressOption(program.command('relax'))
    .description(
      'relax structures (atoms and cell) with FIRE and the FrechetCellFilter, all files in one batch',
    )
    .argument('<files...>', 'structure files (CIF, POSCAR, extxyz, pw.x); every structure in each is relaxed')
    .option(
      '--model <name|path>',
      'model name in models/mlip/ or a path to an .onnx file (default: the default model of models/mlip/)',
    )
    .option('--fmax <eV/Å>', 'converged when every atom (and cell) force is below this', positiveNumber, 0.05)
    .option('--steps <n>', 'most FIRE steps per structure', positiveInteger, 500)
    .option('--fixed-cell', 'relax the atoms only, keeping the cell')
    .option('--pressure-gpa <GPa>', 'external pressure for the cell relaxation', finiteNumber, 0)
    .option(
      '--out <dir>',
      'write each relaxed structure to DIR/<name>[-<k>].relaxed.extxyz (with energy, forces, stress); inputs of the same name get their folder as a prefix',
    )
    .option('--device <auto|cpu|cuda>', 'ONNX Runtime execution provider', parseDevice, 'auto')
    .option(
      '--json',
      'print {"model","results":[{"file","index","formula","n_atoms","converged","stop_reason","n_steps","energy_ev","energy_per_atom_ev","fmax_ev_per_a","volume_a3","stress_ev_per_a3","uncertainty":{"energy_std_ev_per_atom","max_force_dev_ev_per_a"},"output"}]}',
    )
    .action(async (files: string[], opts: RelaxCliOptions) => {
      const { mkdir, writeFile } = await import('node:fs/promises');
      const { basename, join } = await import('node:path');
      const { readStructuresFile } = await import('../../crystal/io/read-structure-file.js');
      const { writeExtxyz } = await import('../../crystal/io/extxyz.js');
      const { Structure: S } = await import('../../crystal/structure.js');
      const { MlipModel, resolveModelPath } = await import('../../models/mlip/index.js');
      const { relaxSteps } = await import('../../models/relax/index.js');
      const { relaxOutputNames } = await import('../relax-output-names.js');
      const { assertValidStructure } = await import('../../crystal/assert-valid-structure.js');

      const inputs: { file: string; index: number; count: number }[] = [];
      const structures: Structure[] = [];
      for (const file of files) {
        const found = await readStructuresFile(file);
        found.forEach((s, index) => {
          assertValidStructure(s, { source: file, index: found.length > 1 ? index : undefined });
          inputs.push({ file, index, count: found.length });
          structures.push(s);
        });
      }
      const model = await MlipModel.load(await resolveModelPath(opts.model), {
        executionProviders: opts.device,
      });
      try {
        const started = performance.now();
        const steps = relaxSteps(model, structures, {
          fmax: opts.fmax,
          steps: opts.steps,
          relaxCell: !opts.fixedCell,
          scalarPressure: opts.pressureGpa / GPA_PER_EV_PER_A3,
        });
        const progress = new ProgressLine(progressMode({ json: opts.json, forced: opts.progress }));
        progress.stage('relax', { total: structures.length, unit: 'structures' });
        let next;
        try {
          next = await steps.next();
          while (!next.done) {
            const p = next.value;
            progress.update({
              done: p.nFinished,
              detail: `step ${p.step}/${opts.steps}, ${p.nConverged} converged, max force ${p.maxFmaxEvPerA.toFixed(4)} eV/Å`,
            });
            next = await steps.next();
          }
          progress.update({ done: structures.length });
        } finally {
          progress.end();
        }
        const results = next.value;
        if (opts.out) await mkdir(opts.out, { recursive: true });
        const outputNames = relaxOutputNames(inputs);
        const rows: RelaxRow[] = [];
        const labels: string[] = [];
        for (const [k, r] of results.entries()) {
          const { file, index, count } = inputs[k]!;
          let output: string | null = null;
          if (opts.out) {
            output = join(opts.out, outputNames[k]!);
            const frame = {
              structure: r.structure,
              energy: r.energyEv,
              forces: r.final.forcesEvPerA,
              stress: r.final.stressEvPerA3,
              info: { converged: r.converged, n_steps: r.nSteps, model: model.name, source: basename(file) },
            };
            await writeFile(output, writeExtxyz([frame]));
          }
          labels.push(count > 1 ? `${file} [${index}]` : file);
          rows.push({
            file,
            index,
            formula: S.reducedFormula(r.structure),
            n_atoms: r.structure.species.length,
            converged: r.converged,
            stop_reason: r.stopReason,
            n_steps: r.nSteps,
            energy_ev: r.energyEv,
            energy_per_atom_ev: r.energyPerAtomEv,
            fmax_ev_per_a: r.fmaxEvPerA,
            volume_a3: S.volume(r.structure),
            stress_ev_per_a3: r.final.stressEvPerA3,
            uncertainty: {
              energy_std_ev_per_atom: r.final.uncertainty.energyStdEvPerAtom,
              max_force_dev_ev_per_a: r.final.uncertainty.maxForceDevEvPerA,
            },
            output,
          });
        }
        const wallS = (performance.now() - started) / 1000;
        printResult(Boolean(opts.json), { model: model.name, results: rows }, () =>
          [
            `${rows.filter((r) => r.converged).length}/${rows.length} converged in ${wallS.toFixed(1)} s (model ${model.name}, fmax ${opts.fmax} eV/Å)`,
            ...rows.map(
              (r, k) =>
                `  ${labels[k]!.padEnd(30)} ` +
                `${r.formula.padEnd(12)} ${r.converged ? 'converged' : r.stop_reason.padEnd(9)} ${String(r.n_steps).padStart(4)} steps  ` +
                `${r.energy_per_atom_ev.toFixed(4)} eV/atom  fmax ${r.fmax_ev_per_a.toFixed(4)}${r.output ? `  -> ${r.output}` : ''}`,
            ),
          ].join('\n'),
        );
      } finally {
        await model.dispose();
      }
    });
}
