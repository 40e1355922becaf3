/**
 * The known phases a campaign's hull needs, for `campaign start`: without a known compound of its
 * chemical systems among the reference phases, the MLIP hull holds only the elements and
 * "predicted stable" means "below the elements". `campaign start` says so before it starts, naming
 * the command that fixes it, and `--import-reference FILE` imports the phases of the campaign's
 * systems (and their subsystems) from FILE first, with the import of `matdisc db import-reference`.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileReadError } from '../crystal/io/read-structure-file.js';
import type { Database } from '../db/database.js';
import { subsystems } from '../db/hull-entries.js';
import { importReference, type ImportReferenceReport } from '../db/import-reference.js';
import { migrate } from '../db/migrate.js';
import { compoundReferencePhaseCount } from '../db/reference-phases.js';

/** The default `--source` of a reference file: its name without `.csv`/`.cif`/`.extxyz`/`.xyz` and `.gz`. */
export function referenceSourceName(file: string): string {
  return basename(file).replace(/(\.csv|\.cif|\.extxyz|\.xyz)?(\.gz)?$/i, '');
}

/** A missing file or a folder is refused before any database is opened, naming the file. */
export async function checkReferenceFile(file: string): Promise<void> {
  const info = await stat(file).catch((err: unknown) => Promise.reject(fileReadError(file, err)));
  if (info.isDirectory()) throw fileReadError(file, Object.assign(new Error(file), { code: 'EISDIR' }));
}

/** The systems whose phases a campaign's hulls use: each of its systems and their subsystems, sorted. */
export function hullSystemsOf(systems: readonly string[]): string[] {
  return [...new Set(systems.flatMap((s) => subsystems(s)))].sort();
}

/**
 * What `campaign start` says when no known compound of the campaign's multi-element systems is
 * among the reference phases; null when one is, or when every system is a single element (its
 * hull is its elements).
 */
export function knownPhasesNotice(systems: readonly string[], knownCompounds: number): string | null {
  if (knownCompounds > 0 || systems.every((s) => !s.includes('-'))) return null;
  return (
    `no known compound of ${systems.join(', ')} is among the reference phases, so the MLIP hull holds only the elements ` +
    'and "predicted stable" will mean "below the elements", not "below the known phases": import the known phases with ' +
    '`matdisc db import-reference FILE` (e.g. the MP-20 rows of the system), or start with `--import-reference FILE`'
  );
}

export interface ReferencePhasesCheck {
  /** One report per `--import-reference` file, in order. */
  readonly imports: readonly ImportReferenceReport[];
  /** Compounds of the campaign's systems among the reference phases, after the imports. */
  readonly knownCompounds: number;
  readonly notice: string | null;
}

/**
 * Imports the phases of the campaign's systems from each file (source: the file's name, as
 * `db import-reference` names it), then counts the known compounds and decides the notice.
 */
export async function prepareReferencePhases(
  db: Database,
  systems: readonly string[],
  files: readonly string[],
  log: (line: string) => void,
): Promise<ReferencePhasesCheck> {
  const hullSystems = hullSystemsOf(systems);
  const imports: ImportReferenceReport[] = [];
  if (files.length > 0) await migrate(db);
  for (const file of files) {
    const report = await importReference(db, file, {
      source: referenceSourceName(file),
      chemicalSystems: hullSystems,
    });
    imports.push(report);
    log(
      `--import-reference ${file}: imported ${report.imported} phases of ${systems.join(', ')} and their subsystems ` +
        `(read ${report.read}, already present ${report.already_present}, other systems ${report.other_systems ?? 0}, ` +
        `rejected ${report.rejected.length}${report.rejected.length ? `; \`matdisc db import-reference ${file} --json\` lists why` : ''})`,
    );
  }
  const knownCompounds = await compoundReferencePhaseCount(db, hullSystems);
  return { imports, knownCompounds, notice: knownPhasesNotice(systems, knownCompounds) };
}
