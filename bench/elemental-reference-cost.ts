/**
 * What each DFT elemental reference costs (issue #14): the reference a campaign computes for each
 * element (campaign/elemental-references.ts: a simple solid, a molecule in a box, an atom, or the
 * lowest-energy phase of the element in the reference data), run with real pw.x at one profile on
 * this machine. Prints a markdown table as each row finishes: kind, atoms, k-point grid, cutoffs,
 * ionic steps, wall time and μ_el.
 *
 *   npx tsx bench/elemental-reference-cost.ts [--profile standard] [--elements Mg,O,Ga,...]
 *                                             [--timeout-s 900] [--data a.csv.gz,b.csv.gz] [--mpi-ranks 1]
 *
 * Reference-data phases come from the CSV files given (default: MP-20's pilot train/val rows and
 * MPTS-52's rows under ../shared/data), the unary row with the lowest e_above_hull, as a campaign
 * picks it from imported phases. A reference over the time limit is reported as such, not run on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { elementalReference } from '../campaign/elemental-references.js';
import { Structure } from '../crystal/structure.js';
import { readReferenceRecords } from '../db/reference-records.js';
import { LocalLauncher } from '../dft/launchers/local.js';
import { QeProfile, type QeProfileName } from '../dft/qe/profiles.js';
import { QeTemplate } from '../dft/qe/qe-template.js';
import { runCalculation } from '../dft/run-calculation.js';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']));
const profileName = (args.get('--profile') || 'standard') as QeProfileName;
const elements = (args.get('--elements') || 'Mg,O,Ca,N,Cd,Te,K,Se,Rb,I,Ga,Ni,Al,Fe,F,B,Ti,P,In').split(',');
const timeoutS = Number(args.get('--timeout-s') || 900);
const mpiRanks = args.get('--mpi-ranks') ? Number(args.get('--mpi-ranks')) : ('auto' as const);
const dataDir = resolve(import.meta.dirname, '../../shared/data');
const dataFiles = (
  args.get('--data') ||
  [
    'mp_20/pilot_first1000/train.csv.gz',
    'mp_20/pilot_first1000/val.csv.gz',
    'mpts_52/val_without_mp20_test.csv.gz',
  ]
    .map((f) => join(dataDir, f))
    .join(',')
).split(',');
const pseudoDir = process.env.PSEUDO_DIR ?? join(dataDir, 'pseudos/SSSP_1.3.0_PBE_efficiency');

/** The lowest-e_above_hull unary phase per element in the data files. */
async function unaryPhases(wanted: ReadonlySet<string>) {
  const best = new Map<string, { structure: Structure; source: string; eHull: number }>();
  for (const file of dataFiles) {
    for await (const rec of readReferenceRecords(file)) {
      if (!('structure' in rec)) continue;
      let s: Structure;
      try {
        s = rec.structure();
      } catch {
        continue;
      }
      const el = s.species[0]!;
      if (!wanted.has(el) || s.species.some((x) => x !== el)) continue;
      const eHull = rec.eAboveHullEvPerAtom ?? Infinity;
      const prev = best.get(el);
      if (
        !prev ||
        eHull < prev.eHull ||
        (eHull === prev.eHull && s.species.length < prev.structure.species.length)
      )
        best.set(el, { structure: s, source: `${rec.externalId} (e_above_hull ${eHull} eV/atom)`, eHull });
    }
  }
  return best;
}

const phases = await unaryPhases(new Set(elements));
const root = await mkdtemp(join(tmpdir(), 'reference-cost-'));
const engine = new QeTemplate({ pseudoDir });
const launcher = new LocalLauncher();

console.log(`profile ${profileName}; pw.x with mpiRanks ${mpiRanks}; time limit ${timeoutS} s per attempt\n`);
console.log(
  '| element | kind | source | atoms | calculation | k-points | ecutwfc/ecutrho (Ry) | nspin | steps | wall (s) | μ (eV/atom) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
try {
  for (const el of elements) {
    const ref = elementalReference(el, phases.get(el));
    if (!ref.structure) {
      console.log(`| ${el} | ${ref.kind} | ${ref.source} | – | – | – | – | – | – | – | – |`);
      continue;
    }
    const started = performance.now();
    const outcome = await runCalculation({
      structure: ref.structure,
      engine,
      profile: QeProfile.named(profileName, { calculation: ref.calculation, mpiRanks }),
      launcher,
      workRoot: join(root, el),
      timeoutMs: timeoutS * 1000,
    });
    const wallS = (performance.now() - started) / 1000;
    const last = outcome.attempts.at(-1);
    const resolved = (last?.resolved ?? {}) as {
      kpoints?: number[];
      ecutwfcRy?: number;
      ecutrhoRy?: number;
      nspin?: number;
    };
    const steps = `${outcome.result?.scfCycles ?? 0} (${outcome.attempts.length} attempt(s))`;
    const mu = outcome.status === 'converged' ? outcome.result!.energyPerAtomEv.toFixed(4) : outcome.reason;
    console.log(
      `| ${el} | ${ref.kind} | ${ref.source} | ${ref.structure.species.length} | ${ref.calculation} | ${resolved.kpoints?.join('×') ?? '?'} | ${resolved.ecutwfcRy}/${resolved.ecutrhoRy} | ${resolved.nspin ?? '?'} | ${steps} | ${wallS.toFixed(0)} | ${mu} |`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
