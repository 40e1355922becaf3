import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mat3, Vec3 } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { fingerprintSql } from '../../db/fingerprint-sql.js';
import { hullOfSystem } from '../../db/hull-entries.js';
import { structureFromRow } from '../../db/structure-row.js';
import { importReference } from '../../db/import-reference.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const DATA = resolve(import.meta.dirname, '../../../shared/data');
const BITERNARY_TEST = join(DATA, 'mp_20/biternary/test.csv.gz');

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A CSV with three real MP-20 rows and three malformed ones, gzipped like the originals. */
function writeMixedCsv(dir: string): { path: string; good: string[]; brokenLine: number } {
  const rows = parse(gunzipSync(readFileSync(BITERNARY_TEST)), { columns: true }) as Record<string, string>[];
  const good = rows.slice(0, 3);
  const header = ['material_id', 'formation_energy_per_atom', 'e_above_hull', 'cif'];
  const line = (r: Record<string, string>) => header.map((h) => csvField(r[h] ?? '')).join(',');
  const text = [
    header.join(','),
    line(good[0]!),
    line({ ...good[1]!, material_id: 'broken-cif', cif: 'data_x\n_cell_length_a 4\n' }),
    line(good[1]!),
    line({ ...good[2]!, material_id: '' }),
    line({ ...good[2]!, material_id: 'bad-energy', formation_energy_per_atom: 'abc' }),
    line(good[2]!),
  ].join('\n');
  const path = join(dir, 'mixed.csv.gz');
  writeFileSync(path, gzipSync(text));
  // The broken row starts right after the header and the first (multi-line) record.
  const brokenLine = 2 + line(good[0]!).split('\n').length;
  return { path, good: good.map((r) => r.material_id!), brokenLine };
}

describe.each(DATABASE_KINDS)('reference import on %s', (kind) => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await openTestDatabase(kind, { migrated: true });
    dir = mkdtempSync(join(tmpdir(), 'matdisc-import-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports good rows, rejects malformed ones with line numbers, and adds nothing on a second run', async () => {
    const { path, good, brokenLine } = writeMixedCsv(dir);
    const report = await importReference(t.db, path, { source: 'mixed' });
    expect(report.read).toBe(6);
    expect(report.imported).toBe(3);
    expect(report.rejected.map((r) => r.externalId)).toEqual(['broken-cif', null, 'bad-energy']);
    expect(report.rejected[0]!.line).toBe(brokenLine);
    // Which file and row, and what is wrong (this used to be "Cannot read properties of undefined").
    expect(report.rejected[0]!.reason).toMatch(
      /mixed\.csv\.gz:\d+, line 1\] \(_cell_length_b\): data_x: missing _cell_length_b/,
    );
    const lines = report.rejected.map((r) => r.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(report.rejected[1]!.reason).toMatch(/material_id/);
    expect(report.rejected[2]!.reason).toMatch(/formation_energy_per_atom/);
    const stored = await t.db.query<{ external_id: string }>(
      "SELECT external_id FROM reference_phases WHERE source = 'mixed' ORDER BY id",
    );
    expect(stored.rows.map((r) => r.external_id)).toEqual(good);

    const again = await importReference(t.db, path, { source: 'mixed' });
    expect(again.imported).toBe(0);
    expect(again.already_present).toBe(3);
    const n = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM structures');
    expect(Number(n.rows[0]?.n)).toBe(3);
  });

  it('reports a material_id taken by another structure as a conflict, and rejects bad e_above_hull', async () => {
    const rows = parse(gunzipSync(readFileSync(BITERNARY_TEST)), { columns: true }) as Record<
      string,
      string
    >[];
    const [a, b, c] = rows as [Record<string, string>, Record<string, string>, Record<string, string>];
    const header = ['material_id', 'formation_energy_per_atom', 'e_above_hull', 'cif'];
    const write = (name: string, records: Record<string, string>[]) => {
      const line = (r: Record<string, string>) => header.map((h) => csvField(r[h] ?? '')).join(',');
      const starts: number[] = [];
      let next = 2;
      for (const r of records) {
        starts.push(next);
        next += line(r).split('\n').length;
      }
      writeFileSync(join(dir, name), [header.join(','), ...records.map(line)].join('\n'));
      return { path: join(dir, name), starts };
    };
    const first = write('first.csv', [a]);
    expect((await importReference(t.db, first.path, { source: 'conflicts' })).imported).toBe(1);
    const before = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM structures');

    const second = write('second.csv', [
      { ...a, cif: b.cif! }, // stored earlier under this id with another structure
      a, // the same crystal again: already present
      { ...c, e_above_hull: '-5' },
      { ...c, material_id: 'nan-hull', e_above_hull: 'NaN' },
      { ...c, material_id: 'rounded', e_above_hull: '-0.0000001' },
      { ...b, material_id: 'rounded' }, // the same id twice in one file, another crystal
    ]);
    const report = await importReference(t.db, second.path, { source: 'conflicts' });
    expect(report).toMatchObject({ read: 6, imported: 1, already_present: 1 });
    expect(report.rejected).toEqual([
      {
        line: second.starts[0],
        externalId: a.material_id,
        reason: expect.stringMatching(
          /^conflict: material_id .* is already taken by a different structure \(an earlier import \(source conflicts\)/,
        ),
      },
      {
        line: second.starts[2],
        externalId: c.material_id,
        reason: expect.stringMatching(
          /column e_above_hull: -5 eV\/atom is negative; an energy above the hull is ≥ 0 \(tolerance 0\.000001\)/,
        ),
      },
      {
        line: second.starts[3],
        externalId: 'nan-hull',
        reason: expect.stringMatching(/column e_above_hull: 'NaN' is not a finite number/),
      },
      {
        line: second.starts[5],
        externalId: 'rounded',
        reason: expect.stringMatching(
          new RegExp(`already taken by a different structure \\(line ${second.starts[4]};`),
        ),
      },
    ]);
    const stored = await t.db.query<{ external_id: string }>(
      "SELECT external_id FROM reference_phases WHERE source = 'conflicts' ORDER BY id",
    );
    expect(stored.rows.map((r) => r.external_id)).toEqual([a.material_id, 'rounded']);
    const after = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM structures');
    expect(Number(after.rows[0]!.n)).toBe(Number(before.rows[0]!.n) + 1);
  });
});

describe('MP-20 import into the embedded database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('pglite', { migrated: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('imports the whole MP-20 binary/ternary test split and places its phases on a hull', async () => {
    const report = await importReference(t.db, BITERNARY_TEST, { source: 'mp20' });
    console.log(`MP-20 biternary test import: ${report.read} rows in ${report.wall_s.toFixed(1)} s`);
    expect(report.read).toBe(7118);
    expect(report.imported + report.rejected.length).toBe(7118);
    expect(report.rejected.length).toBeLessThan(10);
    const hull = await hullOfSystem(t.db, 'Fe-O', 'mp20');
    const onHull = hull.entries.filter((e) => e.e_above_hull_ev_per_atom === 0).map((e) => e.reduced_formula);
    expect(onHull).toContain('Fe2O3');
    for (const e of hull.entries) {
      expect(e.e_above_hull_ev_per_atom).toBeGreaterThanOrEqual(0);
      const sum = e.decomposition.reduce((a, d) => a + d.fraction, 0);
      if (e.decomposition.length) expect(sum).toBeCloseTo(1, 8);
    }
    // The fingerprint pre-filter finds a stored material from a rotated, re-ordered copy of it.
    const { rows } = await t.db.query<{
      id: string;
      species: string[];
      lattice_a: Mat3;
      frac_coords: Vec3[];
    }>(
      "SELECT s.id::text AS id, species, lattice_a, frac_coords FROM structures s JOIN reference_phases r ON r.structure_id = s.id WHERE r.external_id = 'mp-19770'",
    );
    const stored = structureFromRow(rows[0]!);
    const order = stored.species.map((_, i) => i).reverse();
    const rotated = Structure.create(
      stored.lattice.map(([x, y, z]) => [-y, x, z] as Vec3) as unknown as Mat3,
      order.map((i) => stored.species[i]!),
      order.map((i) => stored.fracCoords[i]!),
    );
    const nearest = await t.db.query<{ id: string }>(
      'SELECT id::text AS id FROM structures ORDER BY fingerprint <-> $1::vector LIMIT 5',
      [fingerprintSql(rotated)],
    );
    expect(nearest.rows.map((r) => r.id)).toContain(rows[0]!.id);
  }, 300_000);
});
