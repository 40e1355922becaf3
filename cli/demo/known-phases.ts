/**
 * The answer key of `matdisc demo`: the known phases of its chemical system, and which of the
 * campaign's DFT-computed candidates rediscovered one.
 *
 * The key is MP-20's test rows of the system (`../shared/data/mp_20/`), which the diffusion
 * generator never saw (its training rows are MP-20 train/val; `test/cli/demo-known-phases.test.ts`
 * checks that none of them is in the demo's system). The demo imports none of them into the
 * campaign's database, so the DFT hull a candidate is judged on holds only the campaign's own DFT
 * (elemental references and candidates): a match below is found, not given.
 *
 * A candidate counts as a rediscovery when its DFT structure matches a known phase (pymatgen's
 * default StructureMatcher tolerances) and it lies on the campaign's DFT hull.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readReferenceRecords } from '../../db/reference-records.js';
import { listCampaignDftStructures } from '../../db/dft-calculations.js';
import { structureFromRow } from '../../db/structure-row.js';
import type { Database } from '../../db/database.js';
import { Structure } from '../../crystal/structure.js';
import { StructureMatcher } from '../../crystal/matcher/index.js';
import { spaceGroupOf } from '../../crystal/symmetry/index.js';
import { sharedDataDir } from '../paths.js';

/** MP-20's test rows present here (two overlapping subsets of its test split), under `mp_20/`. */
export const MP20_TEST_FILES = ['biternary/test.csv.gz', 'pilot_first1000/test.csv.gz'];

/** One known phase of the system. */
export interface KnownPhase {
  /** Materials Project id. */
  readonly id: string;
  readonly formula: string;
  readonly spaceGroupSymbol: string;
  /** The Materials Project's energy above its hull, eV/atom (0: stable). */
  readonly eAboveHullEvPerAtom: number | null;
  readonly structure: Structure;
}

/** A DFT-computed candidate of the campaign and the known phase it matches, if any. */
export interface CandidateFinding {
  readonly structureId: string;
  readonly formula: string;
  readonly spaceGroupSymbol: string | null;
  readonly status: string;
  /** eV/atom on the campaign's DFT hull; null when the calculation failed. */
  readonly eAboveHullEvPerAtom: number | null;
  readonly formationEnergyPerAtomEv: number | null;
  readonly onDftHull: boolean;
  /** The matching known phase's id, or null. */
  readonly knownPhase: string | null;
  /** Normalised rms displacement of the match. */
  readonly rms: number | null;
}

/** The answer key and what the campaign found. */
export interface DemoFindings {
  /** Where the key was read from, or null when no MP-20 test file is here. */
  readonly source: string | null;
  readonly knownPhases: readonly Omit<KnownPhase, 'structure'>[];
  readonly candidates: readonly CandidateFinding[];
  /** The known phases matched by a candidate on the DFT hull. */
  readonly rediscovered: readonly string[];
}

/** The known phases of `elements` (exactly that set) among MP-20's test rows in `dataDir`, by id. */
export async function knownPhasesOf(elements: readonly string[], dataDir: string): Promise<KnownPhase[]> {
  const want = [...elements].sort().join('-');
  const phases = new Map<string, KnownPhase>();
  for (const file of MP20_TEST_FILES) {
    const path = join(dataDir, 'mp_20', file);
    if (!existsSync(path)) continue;
    for await (const record of readReferenceRecords(path)) {
      if (!('structure' in record) || phases.has(record.externalId)) continue;
      const structure = record.structure();
      if (Structure.chemicalSystem(structure) !== want) continue;
      phases.set(record.externalId, {
        id: record.externalId,
        formula: Structure.reducedFormula(structure),
        spaceGroupSymbol: spaceGroupOf(structure).symbol,
        eAboveHullEvPerAtom: record.eAboveHullEvPerAtom,
        structure,
      });
    }
  }
  return [...phases.values()];
}

/** Matches each DFT-computed candidate of the campaign against the known phases. */
export async function demoFindings(
  db: Database,
  campaignId: string,
  elements: readonly string[],
  dataDir = sharedDataDir(),
): Promise<DemoFindings> {
  const known = dataDir ? await knownPhasesOf(elements, dataDir) : [];
  const matcher = new StructureMatcher();
  const candidates = (await listCampaignDftStructures(db, campaignId)).map((row): CandidateFinding => {
    const structure = structureFromRow(row);
    let match: { id: string; rms: number } | null = null;
    for (const phase of known) {
      const d = matcher.rmsDist(structure, phase.structure);
      if (d && (match === null || d.rms < match.rms)) match = { id: phase.id, rms: d.rms };
    }
    const eHull = row.e_above_hull_ev_per_atom === null ? null : Number(row.e_above_hull_ev_per_atom);
    return {
      structureId: String(row.structure_id),
      formula: row.formula,
      spaceGroupSymbol: row.space_group_symbol,
      status: row.status,
      eAboveHullEvPerAtom: eHull,
      formationEnergyPerAtomEv:
        row.formation_energy_per_atom_ev === null ? null : Number(row.formation_energy_per_atom_ev),
      onDftHull: row.dft_confirmed_stable === true,
      knownPhase: match?.id ?? null,
      rms: match?.rms ?? null,
    };
  });
  return {
    source: dataDir ? MP20_TEST_FILES.map((f) => join(dataDir, 'mp_20', f)).join(', ') : null,
    knownPhases: known.map(({ structure: _, ...phase }) => phase),
    candidates,
    rediscovered: [
      ...new Set(candidates.filter((c) => c.onDftHull && c.knownPhase).map((c) => c.knownPhase!)),
    ],
  };
}

/** The demo's closing lines: the answer key, each DFT candidate against it, and the verdict. */
export function findingLines(system: string, f: DemoFindings): string[] {
  const ev = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  if (f.source === null)
    return [
      `Known phases of ${system}: not checked (no MP-20 test rows under ../shared/data; set MATDISC_SHARED_DATA to the data folder)`,
    ];
  const lines = [
    `Known phases of ${system} (MP-20 test rows: the generator never saw them, the campaign imported none):`,
    ...f.knownPhases.map(
      (p) =>
        `  ${p.id} ${p.formula} ${p.spaceGroupSymbol}, MP e_above_hull ${ev(p.eAboveHullEvPerAtom)} eV/atom`,
    ),
    `Each DFT-computed candidate against them:`,
    ...f.candidates.map(
      (c) =>
        `  ${c.formula} ${c.spaceGroupSymbol ?? '(no space group)'} (structure ${c.structureId}): ${
          c.status !== 'converged'
            ? `DFT ${c.status}`
            : `DFT e_above_hull ${ev(c.eAboveHullEvPerAtom)} eV/atom${c.onDftHull ? ' (confirmed stable)' : ''}`
        }; ${c.knownPhase ? `matches ${c.knownPhase} (rms ${c.rms!.toFixed(3)})` : 'matches no known phase'}`,
    ),
  ];
  lines.push(
    f.rediscovered.length > 0
      ? `Rediscovered: ${f.rediscovered
          .map((id) => {
            const p = f.knownPhases.find((k) => k.id === id)!;
            return `${id} ${p.formula} (${p.spaceGroupSymbol})`;
          })
          .join(', ')}: generated, relaxed, ranked and confirmed stable by DFT without being given it.`
      : `Rediscovered: none. No DFT-confirmed candidate matches a known phase of ${system}.`,
  );
  return lines;
}
