/**
 * What symmetrising a candidate before DFT saves (issue 16): pw.x SCF on a generated-like cell as
 * it comes (sites rattled, so no symmetry) and on the same cell refined to its space group in its
 * primitive standard cell (`dft/symmetrize-input.ts`, symprec 0.1 Å, what the campaign's DFT
 * activity gives pw.x). Prints a markdown table as each row finishes: formula, space group, atoms
 * and irreducible k-points before/after, pw.x wall time before/after, and the energy per atom of
 * the symmetrised cell minus the raw one (meV/atom: the rattle undone, plus any change of the
 * k-point grid, which the same density gives a different basis).
 *
 *   npx tsx bench/symmetrized-dft-cost.ts [--ids mp-866153,mp-1183484,...] [--rattle-a 0.02]
 *                                         [--profile test] [--mpi-ranks 1] [--timeout-s 180] [--no-cube]
 *
 * (`--ids ''`: the cube only.)
 *
 * One attempt per SCF (no error handlers), at most --timeout-s each: a run that does not converge
 * in time is reported as such (ZrTiAs, mp-30147, took over 20 SCF iterations of 20 s unsymmetrised).
 *
 * Cells: MP-20 rows of 4–8 atoms (pilot train split; primitive cells, so only the k-points can
 * shrink) and, unless --no-cube, rock-salt MgO as a rotated 8-atom conventional cube (a
 * non-primitive setting, as a generator may produce), all rattled by --rattle-a Å (seeded).
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Lattice, matmul3, type Mat3 } from '../crystal/lattice.js';
import { Structure } from '../crystal/structure.js';
import { supercell } from '../crystal/supercell.js';
import { spaceGroupOf } from '../crystal/symmetry/index.js';
import { readReferenceRecords } from '../db/reference-records.js';
import { LocalLauncher } from '../dft/launchers/local.js';
import { QeProfile, type QeProfileName } from '../dft/qe/profiles.js';
import { QeTemplate } from '../dft/qe/qe-template.js';
import { runCalculation } from '../dft/run-calculation.js';
import { symmetrizedDftInput } from '../dft/symmetrize-input.js';
import { rattled } from '../test/dft/distorted-cells.js';
import { rng } from '../test/helpers/rng.js';

const argv = process.argv.slice(2);
const args = new Map(argv.map((a, i, all) => [a, all[i + 1] ?? '']));
const ids = (args.has('--ids') ? args.get('--ids')! : 'mp-866153,mp-1183484,mp-568264')
  .split(',')
  .filter(Boolean);
const timeoutS = Number(args.get('--timeout-s') || 180);
const rattleA = Number(args.get('--rattle-a') || 0.02);
const profileName = (args.get('--profile') || 'test') as QeProfileName;
const mpiRanks = Number(args.get('--mpi-ranks') || 1);
const withCube = !argv.includes('--no-cube');
const pseudoDir =
  process.env.PSEUDO_DIR ??
  resolve(import.meta.dirname, '../../shared/data/pseudos/SSSP_1.3.0_PBE_efficiency');
const mp20 = resolve(import.meta.dirname, '../../shared/data/mp_20/pilot_first1000/train.csv.gz');

/** Rotation by `deg` degrees about the axis (1, 1, 1)/√3 (so the cube is in no standard orientation). */
function rotatedAboutDiagonal(s: Structure, deg: number): Structure {
  const t = (deg * Math.PI) / 180;
  const [c, si, u] = [Math.cos(t), Math.sin(t), 1 / Math.sqrt(3)];
  const r: Mat3 = [
    [c + u * u * (1 - c), u * u * (1 - c) - u * si, u * u * (1 - c) + u * si],
    [u * u * (1 - c) + u * si, c + u * u * (1 - c), u * u * (1 - c) - u * si],
    [u * u * (1 - c) - u * si, u * u * (1 - c) + u * si, c + u * u * (1 - c)],
  ];
  const rt = [0, 1, 2].map((i) => [0, 1, 2].map((j) => r[j]![i]!)) as unknown as Mat3;
  return Structure.create(matmul3(s.lattice, rt), s.species, s.fracCoords);
}

const cells: { name: string; structure: Structure }[] = [];
const wanted = new Set(ids);
for await (const rec of readReferenceRecords(mp20)) {
  if (!('structure' in rec) || !wanted.has(rec.externalId)) continue;
  cells.push({ name: rec.externalId, structure: rec.structure() });
}
cells.sort((a, b) => ids.indexOf(a.name) - ids.indexOf(b.name));
for (const id of ids) if (!cells.some((c) => c.name === id)) throw new Error(`${id} is not in ${mp20}`);
if (withCube) {
  const mgo = Structure.create(
    Lattice.fcc(4.21),
    ['Mg', 'O'],
    [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ],
  );
  const cube = supercell(mgo, [
    [-1, 1, 1],
    [1, -1, 1],
    [1, 1, -1],
  ]);
  cells.push({ name: 'MgO cube', structure: rotatedAboutDiagonal(cube, 17) });
}

const root = await mkdtemp(join(tmpdir(), 'symmetrized-dft-cost-'));
const engine = new QeTemplate({ pseudoDir });
const launcher = new LocalLauncher();
const profile = QeProfile.named(profileName, { calculation: 'scf', mpiRanks });

interface Scf {
  readonly e: number;
  readonly wallS: number;
  readonly kpoints: number;
  readonly symOps: number;
}

/** One SCF; a failed or timed-out one is its reason. */
async function scf(structure: Structure, dir: string): Promise<Scf | string> {
  const outcome = await runCalculation({
    structure,
    engine,
    profile,
    launcher,
    workRoot: join(root, dir),
    maxAttempts: 1,
    timeoutMs: timeoutS * 1000,
  });
  const last = outcome.attempts.at(-1)!;
  if (outcome.status !== 'converged') return `${outcome.reason} after ${last.wallS.toFixed(0)} s`;
  const out = await readFile(join(root, dir, `attempt-${last.index}`, 'pw.out'), 'utf8');
  const kpoints = Number(/number of k points=\s*(\d+)/.exec(out)?.[1] ?? NaN);
  const symOps = Number(/(\d+) Sym\. Ops\./.exec(out)?.[1] ?? (/No symmetry found/.test(out) ? 1 : NaN));
  return { e: outcome.result!.energyPerAtomEv, wallS: last.wallS, kpoints, symOps };
}

console.log(
  `pw.x SCF, profile ${profileName}, ${mpiRanks} MPI rank(s), sites rattled ${rattleA} Å; raw → symmetrised (symprec 0.1 Å)\n`,
);
console.log(
  '| cell | formula | space group | atoms | irreducible k-points | pw.x sym. ops | pw.x wall (s) | ΔE sym − raw (meV/atom) | max displacement (Å) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
const totals = { raw: 0, sym: 0 };
try {
  for (const [i, { name, structure }] of cells.entries()) {
    const raw = rattled(structure, rattleA, rng(1600 + i));
    const { structure: sym, record } = symmetrizedDftInput(raw);
    const group =
      record.status === 'symmetrized'
        ? `${record.spaceGroupSymbol} (${record.spaceGroupNumber})`
        : `kept: ${record.reason} (${spaceGroupOf(raw).number})`;
    const a = await scf(raw, `${i}-raw`);
    const b = await scf(sym, `${i}-sym`);
    const both = typeof a !== 'string' && typeof b !== 'string';
    if (both) {
      totals.raw += a.wallS;
      totals.sym += b.wallS;
    }
    const pair = (f: (x: Scf) => string) =>
      `${typeof a === 'string' ? a : f(a)} → ${typeof b === 'string' ? b : f(b)}`;
    console.log(
      `| ${name} | ${Structure.reducedFormula(raw)} | ${group} | ${raw.species.length} → ${sym.species.length} | ` +
        `${pair((x) => String(x.kpoints))} | ${pair((x) => String(x.symOps))} | ${pair((x) => x.wallS.toFixed(1))} | ` +
        `${both ? (1000 * (b.e - a.e)).toFixed(1) : '-'} | ${record.maxDisplacementA?.toFixed(3) ?? '-'} |`,
    );
  }
  console.log(
    `\npw.x wall in all (rows where both converged): raw ${totals.raw.toFixed(1)} s, symmetrised ${totals.sym.toFixed(1)} s (×${(totals.raw / totals.sym).toFixed(1)})`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
