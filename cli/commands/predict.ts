import type { Command } from 'commander';
import { printResult } from '../output.js';
import { parseDevice } from '../option-parsers.js';

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description(
      'energy, forces, stress and committee uncertainty of the structures in a file (CIF, POSCAR, extxyz, pw.x)',
    )
    .argument('<file>', 'structure file; every structure in it is predicted in one batch')
    .option(
      '--model <name|path>',
      'model name in models/mlip/ or a path to an .onnx file (default: the default model of models/mlip/)',
    )
    .option('--device <auto|cpu|cuda>', 'ONNX Runtime execution provider', parseDevice, 'auto')
    .option(
      '--json',
      'print {"energy_ev","energy_per_atom_ev","forces_ev_per_a","stress_ev_per_a3","uncertainty":{"energy_std_ev_per_atom","max_force_dev_ev_per_a"}} (an array of them when the file holds several structures)',
    )
    .action(
      async (file: string, opts: { model?: string; device: 'auto' | 'cpu' | 'cuda'; json?: boolean }) => {
        const { readStructuresFile } = await import('../../crystal/io/read-structure-file.js');
        const { MlipModel, resolveModelPath, trustLevel } = await import('../../models/mlip/index.js');
        const { assertValidStructure } = await import('../../crystal/assert-valid-structure.js');
        const structures = await readStructuresFile(file);
        // Refuse bad cells before the model loads: a near-singular one would never finish.
        structures.forEach((s, k) =>
          assertValidStructure(s, { source: file, index: structures.length > 1 ? k : undefined }),
        );
        const model = await MlipModel.load(await resolveModelPath(opts.model), {
          executionProviders: opts.device,
        });
        try {
          const predictions = await model.predict(structures);
          const rows = predictions.map((p) => ({
            energy_ev: p.energyEv,
            energy_per_atom_ev: p.energyPerAtomEv,
            forces_ev_per_a: p.forcesEvPerA,
            stress_ev_per_a3: p.stressEvPerA3,
            uncertainty: {
              energy_std_ev_per_atom: p.uncertainty.energyStdEvPerAtom,
              max_force_dev_ev_per_a: p.uncertainty.maxForceDevEvPerA,
            },
          }));
          printResult(Boolean(opts.json), rows.length === 1 ? rows[0] : rows, () =>
            predictions
              .map((p, k) => {
                const maxF = Math.max(0, ...p.forcesEvPerA.map((f) => Math.hypot(...f)));
                const s = p.stressEvPerA3;
                return [
                  `${file}${predictions.length > 1 ? ` [${k}]` : ''} (model ${model.name}, ${structures[k]!.species.length} atoms)`,
                  `  energy            ${p.energyEv.toFixed(6)} eV  (${p.energyPerAtomEv.toFixed(6)} eV/atom)`,
                  `  max |force|       ${maxF.toFixed(4)} eV/Å`,
                  `  stress xx yy zz   ${[s[0][0], s[1][1], s[2][2]].map((v) => v.toExponential(3)).join(' ')} eV/Å³`,
                  `  stress yz xz xy   ${[s[1][2], s[0][2], s[0][1]].map((v) => v.toExponential(3)).join(' ')} eV/Å³`,
                  `  uncertainty       ${p.uncertainty.energyStdEvPerAtom.toFixed(5)} eV/atom (energy std), ` +
                    `${p.uncertainty.maxForceDevEvPerA.toFixed(4)} eV/Å (max force dev): ${trustLevel(p.uncertainty)}`,
                ].join('\n');
              })
              .join('\n'),
          );
        } finally {
          await model.dispose();
        }
      },
    );
}
