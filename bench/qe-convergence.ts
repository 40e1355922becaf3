/**
 * Convergence of the QE parameter sets (issue #14): total energy per atom against k-point density
 * and smearing width, on elemental references and a compound, with real pw.x. Each row is the
 * change from the densest setting in the same run (meV/atom) and the wall time of the SCF; a set
 * is converged for decisions when |ΔE| ≤ 5 meV/atom.
 *
 *   npx tsx bench/qe-convergence.ts [--densities 1.5,3,4.5,6.67,9] [--degauss 0.02,0.01]
 *
 * SSSP efficiency cutoffs (the `production` set's), cold smearing, SCF only, pw.x on every core.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { elementalGroundState } from '../campaign/elemental-references.js';
import { Lattice } from '../crystal/lattice.js';
import { Structure } from '../crystal/structure.js';
import { LocalLauncher } from '../dft/launchers/local.js';
import { monkhorstPackGrid } from '../dft/qe/kpoints.js';
import { QeProfile } from '../dft/qe/profiles.js';
import { QeTemplate } from '../dft/qe/qe-template.js';
import { runCalculation } from '../dft/run-calculation.js';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const densities = (args.get('--densities') || '1.5,3,4.5,6.67,9').split(',').map(Number);
const degauss = (args.get('--degauss') || '0.02,0.01').split(',').map(Number);
const pseudoDir =
  process.env.PSEUDO_DIR ??
  resolve(import.meta.dirname, '../../shared/data/pseudos/SSSP_1.3.0_PBE_efficiency');

const systems: [string, Structure][] = [
  ['Si (diamond)', elementalGroundState('Si')!.structure],
  ['Al (fcc)', elementalGroundState('Al')!.structure],
  ['Mg (hcp)', elementalGroundState('Mg')!.structure],
  [
    'MgO (rock salt)',
    Structure.create(
      Lattice.fcc(4.21),
      ['Mg', 'O'],
      [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ],
    ),
  ],
];

const root = await mkdtemp(join(tmpdir(), 'qe-convergence-'));
const engine = new QeTemplate({ pseudoDir });
const launcher = new LocalLauncher();

async function energyPerAtom(structure: Structure, density: number, degaussRy: number, dir: string) {
  const outcome = await runCalculation({
    structure,
    engine,
    profile: QeProfile.named('production', { calculation: 'scf', kpointDensity: density, degaussRy }),
    launcher,
    workRoot: join(root, dir),
  });
  if (outcome.status !== 'converged') throw new Error(`${dir}: ${outcome.reason}`);
  return { e: outcome.result!.energyPerAtomEv, wallS: outcome.attempts.at(-1)!.wallS };
}

console.log(
  '| system | k-point density (Å) | grid | degauss (Ry) | E (eV/atom) | ΔE (meV/atom) | wall (s) |',
);
console.log('|---|---|---|---|---|---|---|');
try {
  // The densest setting first, so each row prints as soon as it is computed.
  const byDensity = [...densities].sort((a, b) => b - a);
  const densest = byDensity[0]!;
  for (const [name, structure] of systems) {
    let reference: number | undefined;
    const settings = [
      ...byDensity.map((d) => [d, degauss[0]!] as const),
      ...degauss.slice(1).map((s) => [densest, s] as const),
    ];
    for (const [d, s] of settings) {
      const r = await energyPerAtom(structure, d, s, `${name}-${d}-${s}`);
      reference ??= r.e;
      console.log(
        `| ${name} | ${d} | ${monkhorstPackGrid(structure.lattice, d).join('×')} | ${s} | ${r.e.toFixed(5)} | ${(1000 * (r.e - reference)).toFixed(1)} | ${r.wallS.toFixed(1)} |`,
      );
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
