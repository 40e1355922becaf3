/**
 * The `structures` table (db/migrations/001): every crystal the pipeline holds, generated,
 * relaxed, DFT-final, reference or user-given. `structure-row.ts` turns a `Structure` into the
 * columns and back.
 */
import type { Mat3, Vec3 } from '../crystal/lattice.js';
import type { Database } from './database.js';
import type { StructureOrigin } from './structure-row.js';

export interface StructureRow {
  readonly id: string;
  readonly content_hash: string;
  readonly reduced_formula: string;
  /** Elements sorted and joined by '-', e.g. 'Li-O-Si'. */
  readonly chemical_system: string;
  readonly n_sites: number;
  readonly species: string[];
  /** 3 x 3, rows are the lattice vectors (Å). */
  readonly lattice_a: Mat3;
  /** N x 3 fractional coordinates. */
  readonly frac_coords: Vec3[];
  readonly volume_a3: number;
  /** pgvector text form. */
  readonly fingerprint: string | null;
  readonly origin: StructureOrigin;
  readonly campaign_id: string | null;
  readonly round_id: string | null;
  readonly parent_id: string | null;
  readonly duplicate_of_id: string | null;
  readonly idempotency_key: string | null;
  readonly created_at: Date;
}

/** What `structureFromRow` needs. */
export type StructureGeometry = Pick<StructureRow, 'species' | 'lattice_a' | 'frac_coords'>;

/** The geometry and reduced formula of one structure, or undefined when there is no such row. */
export async function findStructureGeometry(
  db: Database,
  structureId: string,
): Promise<(StructureGeometry & Pick<StructureRow, 'reduced_formula'>) | undefined> {
  const r = await db.query<StructureGeometry & Pick<StructureRow, 'reduced_formula'>>(
    'SELECT species, lattice_a, frac_coords, reduced_formula FROM structures WHERE id = $1',
    [structureId],
  );
  return r.rows[0];
}

/**
 * The round's generated structures without a relaxed child yet: those whose relaxation key
 * (`relaxKeyPrefix` + generated id) is not stored, in id order.
 */
export async function generatedStructuresToRelax(
  db: Database,
  roundId: string,
  relaxKeyPrefix: string,
): Promise<(Pick<StructureRow, 'id'> & StructureGeometry)[]> {
  const r = await db.query<Pick<StructureRow, 'id'> & StructureGeometry>(
    `SELECT g.id::text AS id, g.species, g.lattice_a, g.frac_coords FROM structures g
        WHERE g.round_id = $1 AND g.origin = 'generated'
          AND NOT EXISTS (SELECT 1 FROM structures r WHERE r.idempotency_key = $2 || g.id)
        ORDER BY g.id`,
    [roundId, relaxKeyPrefix],
  );
  return r.rows;
}

/** A structure as deduplication compares it. */
export type DeduplicationRow = Pick<StructureRow, 'id' | 'parent_id' | 'campaign_id'> & StructureGeometry;

/** The round's relaxed structures with their fingerprints, in id order. */
export async function relaxedStructuresOfRound(
  db: Database,
  roundId: string,
): Promise<(DeduplicationRow & Pick<StructureRow, 'reduced_formula'> & { fingerprint: string })[]> {
  const r = await db.query<
    DeduplicationRow & Pick<StructureRow, 'reduced_formula'> & { fingerprint: string }
  >(
    `SELECT id::text AS id, parent_id::text AS parent_id, campaign_id, species, lattice_a, frac_coords,
              fingerprint::text AS fingerprint, reduced_formula
         FROM structures WHERE round_id = $1 AND origin = 'relaxed' ORDER BY id`,
    [roundId],
  );
  return r.rows;
}

/**
 * Up to `limit` structures stored before `structureId` (lower id) that are not duplicates
 * themselves, of its reduced formula, within fingerprint distance `maxDistance`, nearest first.
 */
export async function earlierStructuresNear(
  db: Database,
  structureId: string,
  fingerprint: string,
  maxDistance: number,
  limit: number,
): Promise<DeduplicationRow[]> {
  const r = await db.query<DeduplicationRow>(
    `SELECT s.id::text AS id, s.parent_id::text AS parent_id, s.campaign_id, s.species, s.lattice_a, s.frac_coords
           FROM structures s
          WHERE s.id < $1 AND s.origin IN ('relaxed', 'dft', 'reference', 'user') AND s.duplicate_of_id IS NULL
            AND s.reduced_formula = (SELECT reduced_formula FROM structures WHERE id = $1)
            AND s.fingerprint IS NOT NULL AND s.fingerprint <-> $2::vector <= $3
          ORDER BY s.fingerprint <-> $2::vector LIMIT $4`,
    [structureId, fingerprint, maxDistance, limit],
  );
  return r.rows;
}

/** Marks the structures as duplicates of none. */
export async function clearDuplicateOf(db: Database, structureIds: readonly string[]): Promise<void> {
  await db.query('UPDATE structures SET duplicate_of_id = NULL WHERE id = ANY($1::bigint[])', [structureIds]);
}

/** Marks the structures as duplicates of `duplicateOfId`. */
export async function setDuplicateOf(
  db: Database,
  structureIds: readonly string[],
  duplicateOfId: string,
): Promise<void> {
  await db.query('UPDATE structures SET duplicate_of_id = $2 WHERE id = ANY($1::bigint[])', [
    structureIds,
    duplicateOfId,
  ]);
}
