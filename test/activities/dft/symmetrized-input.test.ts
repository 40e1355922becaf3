/**
 * A campaign candidate goes to DFT refined to its space group in its primitive cell
 * (`symmetrize: true`, dft/symmetrize-input.ts), on real pw.x: a rotated, rattled 8-atom rock-salt
 * cube is computed as the 2-atom Fm-3m cell (stored once, named by the row, its forces the ones the
 * training set pairs with it), and pw.x finds the 48 operations; a P1 cell, and any cell without
 * `symmetrize`, goes as it is.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDftActivities,
  type DftCalculationInput,
  type DftCalculationSummary,
} from '../../../activities/dft/dft-activities.js';
import { StructureMatcher } from '../../../crystal/matcher/index.js';
import { Structure } from '../../../crystal/structure.js';
import { insertOnce } from '../../../db/idempotent-insert.js';
import { structureFromRow, structureRow } from '../../../db/structure-row.js';
import { distortedRockSalt, p1Cell } from '../../dft/distorted-cells.js';
import { openTestDatabase, type TestDatabase } from '../../helpers/databases.js';

interface Row {
  readonly id: string;
  readonly structure_id: string;
  readonly input_structure_id: string | null;
  readonly input_symmetrization: Record<string, unknown> | null;
  readonly status: string;
  readonly failure_reason: string | null;
  readonly forces_ev_per_a: number[][] | null;
  readonly work_dir: string;
}

describe('DFT activity: symmetrised input', () => {
  let t: TestDatabase;
  let workRoot: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await openTestDatabase('pglite', { migrated: true });
    workRoot = mkdtempSync(join(tmpdir(), 'matdisc-dft-symmetrized-'));
    chmodSync(workRoot, 0o755);
    for (const [name, s] of [
      ['rocksalt', distortedRockSalt(0.03)],
      ['p1', p1Cell],
    ] as const)
      ids[name] = (await insertOnce(t.db, 'structures', structureRow(s, 'user'), name)).id;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  const input = (key: string, extra: Partial<DftCalculationInput> = {}): DftCalculationInput => ({
    structureId: ids.rocksalt!,
    engine: 'qe',
    profile: 'test',
    calculation: 'scf',
    scheduler: 'local',
    idempotencyKey: key,
    symmetrize: true,
    ...extra,
  });
  const row = async (key: string) =>
    (
      await t.db.query<Row>(
        `SELECT id::text AS id, structure_id::text AS structure_id, input_structure_id::text AS input_structure_id,
                input_symmetrization, status, failure_reason, forces_ev_per_a, work_dir
           FROM dft_calculations WHERE idempotency_key = $1`,
        [key],
      )
    ).rows[0]!;
  const structure = async (id: string) =>
    (
      await t.db.query<{
        species: string[];
        lattice_a: unknown;
        frac_coords: unknown;
        origin: string;
        parent_id: string | null;
        space_group_number: number | null;
        idempotency_key: string | null;
      }>(
        `SELECT species, lattice_a, frac_coords, origin, parent_id::text AS parent_id, space_group_number, idempotency_key
           FROM structures WHERE id = $1`,
        [id],
      )
    ).rows[0]!;

  it('computes a distorted rock-salt cube as its 2-atom Fm-3m cell, once however often retried', async () => {
    const activities = createDftActivities({ db: t.db, workRoot });
    const key = 'c:dft:rocksalt';
    const first = (await new MockActivityEnvironment().run(
      activities.runDftCalculation,
      input(key),
    )) as DftCalculationSummary;
    expect(first.status).toBe('converged');

    const r = await row(key);
    expect(r.structure_id).toBe(ids.rocksalt);
    expect(r.input_structure_id).not.toBe(ids.rocksalt);
    expect(r.input_symmetrization).toMatchObject({
      status: 'symmetrized',
      reason: null,
      spaceGroupNumber: 225,
      sitesBefore: 8,
      sitesAfter: 2,
    });
    const given = await structure(r.input_structure_id!);
    expect(given).toMatchObject({
      origin: 'dft',
      parent_id: ids.rocksalt,
      space_group_number: 225,
      idempotency_key: `${key}:input-structure`,
    });
    expect(given.species.toSorted()).toEqual(['Mg', 'O']);
    const candidate = structureFromRow(await structure(ids.rocksalt!));
    const refined = structureFromRow(given);
    expect(Structure.reducedFormula(refined)).toBe(Structure.reducedFormula(candidate));
    expect(new StructureMatcher().fit(candidate, refined, { symmetric: true })).toBe(true);

    // pw.x got the symmetric cell: 2 atoms, the full point group, forces zero by symmetry.
    const out = readFileSync(join(r.work_dir, 'attempt-0', 'pw.out'), 'utf8');
    expect(out).toMatch(/number of atoms\/cell\s*=\s*2\b/);
    expect(out).toMatch(/\b48 Sym\. Ops\./);
    expect(r.forces_ev_per_a).toHaveLength(2);
    expect(Math.max(...r.forces_ev_per_a!.flat().map(Math.abs))).toBeLessThan(1e-3);
    // The training set pairs those forces with the cell they were computed for.
    const label = await t.db.query<{ structure_id: string; species: string[] }>(
      'SELECT structure_id::text AS structure_id, species FROM training_set WHERE dft_calculation_id = $1',
      [r.id],
    );
    expect(label.rows).toEqual([{ structure_id: r.input_structure_id, species: given.species }]);

    const again = (await new MockActivityEnvironment({ attempt: 2 }).run(
      activities.runDftCalculation,
      input(key),
    )) as DftCalculationSummary;
    expect(again).toEqual(first);
    const stored = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM structures WHERE parent_id = $1`,
      [ids.rocksalt],
    );
    expect(stored.rows[0]!.n).toBe(1);
  }, 300_000);

  // The size limit refuses a cell before pw.x starts, and its reason names the sites the engine got.
  it('gives the engine a P1 cell as it is, and records why', async () => {
    const activities = createDftActivities({ db: t.db, workRoot, maxSites: 2 });
    const key = 'c:dft:p1';
    const out = (await new MockActivityEnvironment().run(
      activities.runDftCalculation,
      input(key, { structureId: ids.p1! }),
    )) as DftCalculationSummary;
    expect(out.status).toBe('failed');
    expect(out.reason).toMatch(/has 3 sites, more than the DFT limit of 2/);
    const r = await row(key);
    expect(r.input_structure_id).toBe(ids.p1);
    expect(r.input_symmetrization).toMatchObject({ status: 'kept', reason: 'p1', spaceGroupNumber: 1 });
  });

  it('gives the engine the cell as stored without symmetrize', async () => {
    const activities = createDftActivities({ db: t.db, workRoot, maxSites: 4 });
    const key = 'c:dft:rocksalt-raw';
    const out = (await new MockActivityEnvironment().run(
      activities.runDftCalculation,
      input(key, { symmetrize: false }),
    )) as DftCalculationSummary;
    expect(out.reason).toMatch(/has 8 sites, more than the DFT limit of 4/);
    const r = await row(key);
    expect(r.input_structure_id).toBeNull();
    expect(r.input_symmetrization).toBeNull();
  });
});
