/**
 * `matdisc db import-reference`: loads known phases into `structures` + `reference_phases`, in
 * batches, idempotently (key: source + external id + level of theory), so importing a file twice
 * adds nothing. Malformed rows are rejected with their line number and reason; the import goes on.
 * A material id seen again (later in the file, or already stored under that key) counts as already
 * present only when its structure is the same crystal; a different structure is a conflict, rejected
 * with the line of the first one.
 */
import { StructureMatcher } from '../crystal/matcher/index.js';
import { Structure as S } from '../crystal/structure.js';
import { checkValidity } from '../crystal/validity.js';
import type { Structure } from '../crystal/structure.js';
import type { Database } from './database.js';
import { fingerprintSql } from './fingerprint-sql.js';
import { readReferenceRecords, type ReferenceRecord, type RejectedRecord } from './reference-records.js';
import { toSqlValue } from './sql-value.js';
import { structureFromRow, structureRow } from './structure-row.js';

export interface ImportReferenceOptions {
  readonly source: string;
  /** Phases compare on one hull only within one level of theory; default: the source name. */
  readonly levelOfTheory?: string;
  /** pgvector text of a structure's fingerprint (default: `fingerprintSql`); null skips them. */
  readonly fingerprint?: ((s: Structure) => string) | null;
  readonly batchSize?: number;
  /**
   * Only phases of these chemical systems (elements sorted, 'Li-Si'; list the subsystems too):
   * the others are left out and counted in `other_systems`. Default: every phase.
   */
  readonly chemicalSystems?: readonly string[];
}

export interface ImportReferenceReport {
  readonly file: string;
  readonly source: string;
  readonly level_of_theory: string;
  readonly read: number;
  readonly imported: number;
  readonly already_present: number;
  readonly rejected: RejectedRecord[];
  /** Rows of other chemical systems, left out (only with `chemicalSystems`). */
  readonly other_systems?: number;
  readonly wall_s: number;
}

interface Ready {
  readonly record: ReferenceRecord;
  readonly structure: Structure;
}

export async function importReference(
  db: Database,
  file: string,
  options: ImportReferenceOptions,
): Promise<ImportReferenceReport> {
  const started = performance.now();
  const level = options.levelOfTheory ?? options.source;
  const rejected: RejectedRecord[] = [];
  let read = 0;
  let imported = 0;
  let otherSystems = 0;
  const keep = options.chemicalSystems ? new Set(options.chemicalSystems) : undefined;
  let batch: Ready[] = [];
  // Line of each material id's first row in this file, for the conflict messages.
  const firstLine = new Map<string, number>();
  const flush = async () => {
    const fp = options.fingerprint === undefined ? fingerprintSql : options.fingerprint;
    if (batch.length) {
      const written = await writeBatch(db, batch, options.source, level, fp ?? undefined, firstLine);
      imported += written.imported;
      rejected.push(...written.conflicts);
    }
    batch = [];
  };
  for await (const item of readReferenceRecords(file)) {
    read++;
    if ('reason' in item) {
      rejected.push(item);
      continue;
    }
    try {
      const structure = item.structure();
      if (keep && !keep.has(S.chemicalSystem(structure))) {
        otherSystems++;
        continue;
      }
      const validity = checkValidity(structure);
      if (!validity.valid) throw new Error(validity.reasons.map((r) => r.message).join('; '));
      batch.push({ record: item, structure });
    } catch (err) {
      rejected.push({
        line: item.line,
        externalId: item.externalId,
        reason: err instanceof Error ? err.message : String(err),
      });
      continue;
    }
    if (batch.length >= (options.batchSize ?? 250)) await flush();
  }
  await flush();
  rejected.sort((a, b) => a.line - b.line);
  return {
    file,
    source: options.source,
    level_of_theory: level,
    read,
    imported,
    already_present: read - rejected.length - imported - otherSystems,
    rejected,
    ...(keep ? { other_systems: otherSystems } : {}),
    wall_s: (performance.now() - started) / 1000,
  };
}

/** The same crystal: the same stored numbers, or (another setting of it) the structure matcher says so. */
function sameCrystal(a: Structure, b: Structure): boolean {
  return S.contentHash(a) === S.contentHash(b) || new StructureMatcher().fit(a, b);
}

/**
 * One transaction per batch: structures first, then their reference rows. Returns rows added and
 * the conflicts: rows whose material id is already taken (stored, or earlier in the file) by a
 * different structure. A repeat of the same crystal is left out silently (already present).
 */
async function writeBatch(
  db: Database,
  input: readonly Ready[],
  source: string,
  level: string,
  fingerprint: ((s: Structure) => string) | undefined,
  firstLine: Map<string, number>,
): Promise<{ imported: number; conflicts: RejectedRecord[] }> {
  return db.transaction(async (client) => {
    const keyOf = (b: Ready) => `reference:${source}:${level}:${b.record.externalId}`;
    const stored = await client.query<{
      idempotency_key: string;
      species: string[];
      lattice_a: unknown;
      frac_coords: unknown;
    }>(
      'SELECT idempotency_key, species, lattice_a, frac_coords FROM structures WHERE idempotency_key = ANY($1)',
      [input.map(keyOf)],
    );
    const known = new Map(stored.rows.map((r) => [r.idempotency_key, structureFromRow(r)]));
    const batch: Ready[] = [];
    const conflicts: RejectedRecord[] = [];
    for (const b of input) {
      const id = b.record.externalId;
      const previous = known.get(keyOf(b));
      if (!previous) {
        known.set(keyOf(b), b.structure);
        firstLine.set(id, b.record.line);
        batch.push(b);
      } else if (!sameCrystal(previous, b.structure)) {
        const first = firstLine.get(id);
        const where = first !== undefined ? `line ${first}` : `an earlier import (source ${source})`;
        conflicts.push({
          line: b.record.line,
          externalId: id,
          reason: `conflict: material_id ${id} is already taken by a different structure (${where}; here ${S.reducedFormula(b.structure)}, ${b.structure.species.length} sites); give it its own material_id or import it under another --source`,
        });
      }
    }
    if (batch.length === 0) return { imported: 0, conflicts };
    const keys = batch.map(keyOf);
    const rows = batch.map((b) =>
      structureRow(b.structure, 'reference', { fingerprint: fingerprint?.(b.structure) ?? null }),
    );
    const columns = [...Object.keys(rows[0]!), 'idempotency_key'];
    const values: unknown[] = [];
    const tuples = rows.map((row, i) => {
      const cells = [...Object.values(row), keys[i]].map((v) => {
        values.push(toSqlValue(v));
        return `$${values.length}`;
      });
      return `(${cells.join(', ')})`;
    });
    await client.query(
      `INSERT INTO structures (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (idempotency_key) DO NOTHING`,
      values,
    );
    const ids = await client.query<{ id: string; idempotency_key: string }>(
      'SELECT id::text AS id, idempotency_key FROM structures WHERE idempotency_key = ANY($1)',
      [keys],
    );
    const idByKey = new Map(ids.rows.map((r) => [r.idempotency_key, r.id]));
    const inserted = await client.query(
      `INSERT INTO reference_phases (source, external_id, structure_id, reduced_formula, chemical_system,
                                     formation_energy_per_atom_ev, e_above_hull_ev_per_atom, level_of_theory)
       SELECT $1, x.external_id, x.structure_id::bigint, x.reduced_formula, x.chemical_system, x.ef, x.ehull, $2
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[])
              AS x(external_id, structure_id, reduced_formula, chemical_system, ef, ehull)
       ON CONFLICT (source, external_id, level_of_theory) DO NOTHING`,
      [
        source,
        level,
        batch.map((b) => b.record.externalId),
        keys.map((k) => idByKey.get(k)),
        rows.map((r) => r.reduced_formula),
        rows.map((r) => r.chemical_system),
        batch.map((b) => b.record.formationEnergyPerAtomEv),
        batch.map((b) => b.record.eAboveHullEvPerAtom),
      ],
    );
    return { imported: inserted.rowCount ?? 0, conflicts };
  });
}
