/**
 * The `known_matches` table (db/migrations/011): whether a campaign's candidate is an imported
 * reference phase. One row per checked structure, written once (a retry finds it and keeps it);
 * `candidate_review` shows it (`known_match`, `known_match_rms`, …).
 */
import type { Database } from './database.js';
import type { ReferencePhaseRow } from './reference-phases.js';
import type { StructureGeometry } from './structures.js';

/** A reference phase with its structure, as the matcher needs it. bigint ids arrive as text. */
export type ReferencePhaseStructure = Pick<ReferencePhaseRow, 'id' | 'source' | 'external_id'> &
  StructureGeometry;

/** The reference phases of one reduced formula that have a structure, by id. */
export async function referencePhasesOfFormula(
  db: Database,
  reducedFormula: string,
): Promise<ReferencePhaseStructure[]> {
  const r = await db.query<ReferencePhaseStructure>(
    `SELECT rp.id::text AS id, rp.source, rp.external_id, s.species, s.lattice_a, s.frac_coords
       FROM reference_phases rp JOIN structures s ON s.id = rp.structure_id
      WHERE rp.reduced_formula = $1
      ORDER BY rp.id`,
    [reducedFormula],
  );
  return r.rows;
}

/** Of these structures, the ids that have been checked already. */
export async function checkedForKnownMatch(
  db: Database,
  structureIds: readonly string[],
): Promise<Set<string>> {
  const r = await db.query<{ id: string }>(
    'SELECT structure_id::text AS id FROM known_matches WHERE structure_id = ANY($1::bigint[])',
    [structureIds],
  );
  return new Set(r.rows.map((x) => x.id));
}

export interface KnownMatch {
  readonly structureId: string;
  /** The matching reference phase, or null when none of those compared matches. */
  readonly referencePhaseId: string | null;
  /** RMS displacement of the match, normalised by (V/N)^⅓; null without a match. */
  readonly rms: number | null;
  readonly referencePhasesCompared: number;
}

/** Stores the result of a check once: a structure already checked keeps its first result. */
export async function recordKnownMatch(db: Database, m: KnownMatch): Promise<void> {
  await db.query(
    `INSERT INTO known_matches (structure_id, reference_phase_id, rms, reference_phases_compared)
     VALUES ($1, $2, $3, $4) ON CONFLICT (structure_id) DO NOTHING`,
    [m.structureId, m.referencePhaseId, m.rms, m.referencePhasesCompared],
  );
}
