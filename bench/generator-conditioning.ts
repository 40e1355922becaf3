/**
 * Measurement: how often chemical-system-conditioned samples contain every element of the
 * requested system, with the default conditioning (a composition with every element is drawn
 * and the types are fixed) and with `allowSubsystems` (types diffused over the system's
 * channels, DiffCSP de novo).
 *
 *   npx tsx bench/generator-conditioning.ts [--model PATH] [--systems Cu-Au,Al-Ni,Li-O] [--n 32]
 *       [--natoms N] [--steps 100] [--seed 0] [--threads 2] [--modes default,subsystems]
 *
 * Prints one JSON line per system and mode: {"system","mode","n","natoms","steps",
 * "every_element","every_element_pct","pure_element","charge_balanced" (ionic systems: samples with every
 * element and charge balanced by `oxidation-states.ts`; else null),"valid","warnings","wall_s"}.
 * Without --model: models/generator/diffcsp-mp20.onnx.
 */
import { join, resolve } from 'node:path';
import {
  DEFAULT_GENERATOR_DIR,
  DEFAULT_GENERATOR_NAME,
  GeneratorModel,
  generate,
  parseChemicalSystem,
} from '../models/generator/index.js';
import { isChargeBalanced, isIonicSystem } from '../models/generator/oxidation-states.js';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const modelPath = resolve(
  args.get('--model') ?? join(DEFAULT_GENERATOR_DIR, `${DEFAULT_GENERATOR_NAME}.onnx`),
);
const systems = (args.get('--systems') ?? 'Cu-Au,Al-Ni,Li-O').split(',');
const n = Number(args.get('--n') ?? 32);
const natoms = args.has('--natoms') ? Number(args.get('--natoms')) : undefined;
const steps = Number(args.get('--steps') ?? 100);
const seed = Number(args.get('--seed') ?? 0);
const threads = Number(args.get('--threads') ?? 2);
const modes = (args.get('--modes') ?? 'default,subsystems').split(',');

const model = await GeneratorModel.load(modelPath, { intraOpThreads: threads });
try {
  for (const system of systems) {
    const elements = parseChemicalSystem(system);
    for (const mode of modes) {
      const result = await generate(
        model,
        { kind: 'system', elements, natoms, allowSubsystems: mode === 'subsystems' },
        n,
        { seed, steps },
      );
      const counts = result.samples.map((s) => {
        const m = new Map<string, number>();
        for (const el of s.structure.species) m.set(el, (m.get(el) ?? 0) + 1);
        return m;
      });
      const every = counts.filter((m) => elements.every((el) => m.has(el))).length;
      console.log(
        JSON.stringify({
          system,
          mode,
          model: result.model,
          n,
          natoms: natoms ?? 'drawn',
          steps: result.steps,
          seed,
          every_element: every,
          every_element_pct: Math.round((1e4 * every) / n) / 100,
          pure_element: counts.filter((m) => m.size === 1).length,
          // Samples with every element that are charge balanced; null for a system without an anion.
          charge_balanced: isIonicSystem(elements)
            ? counts.filter((m) => elements.every((el) => m.has(el)) && isChargeBalanced(m)).length
            : null,
          valid: result.validCount,
          warnings: result.warnings,
          wall_s: Math.round(result.wallS * 10) / 10,
        }),
      );
    }
  }
} finally {
  await model.dispose();
}
