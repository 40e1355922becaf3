/**
 * Calculations the campaign's DFT activity refuses are stored outcomes with their reasons, not
 * exceptions that Temporal retries for half an hour while the row says `running` with no
 * attempts: a cell above the size limit (`dft/size-limit.ts`), and a work directory
 * that cannot be written (here a regular file where the `dft/` folder must be: the tests run as
 * root, which chmod does not stop). pw.x never starts.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siliconPrimitive } from '../../fixtures/silicon.js';
import {
  createDftActivities,
  type DftCalculationInput,
  type DftCalculationSummary,
} from '../../../activities/dft/dft-activities.js';
import { supercell } from '../../../crystal/supercell.js';
import { insertOnce } from '../../../db/idempotent-insert.js';
import { structureRow } from '../../../db/structure-row.js';
import { openTestDatabase, type TestDatabase } from '../../helpers/databases.js';

describe('DFT activity: refused calculations are stored outcomes', () => {
  let t: TestDatabase;
  let dir: string;
  let siId: string;
  let bigId: string;
  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    dir = mkdtempSync(join(tmpdir(), 'matdisc-dft-refused-'));
    siId = (await insertOnce(t.db, 'structures', structureRow(siliconPrimitive(), 'user'), 'si')).id;
    const big = supercell(siliconPrimitive(), [8, 8, 8]); // 1024 sites
    bigId = (await insertOnce(t.db, 'structures', structureRow(big, 'user'), 'si-1024')).id;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const input = (key: string, structureId: string): DftCalculationInput => ({
    structureId,
    engine: 'qe',
    profile: 'test',
    calculation: 'scf',
    scheduler: 'local',
    idempotencyKey: key,
  });
  const run = (workRoot: string, job: DftCalculationInput, maxSites?: number) =>
    new MockActivityEnvironment().run(
      createDftActivities({ db: t.db, workRoot, ...(maxSites !== undefined ? { maxSites } : {}) })
        .runDftCalculation,
      job,
    ) as Promise<DftCalculationSummary>;
  const row = async (key: string) =>
    (
      await t.db.query<{ status: string; failure_reason: string; attempts: unknown[]; running_job: unknown }>(
        'SELECT status, failure_reason, attempts, running_job FROM dft_calculations WHERE idempotency_key = $1',
        [key],
      )
    ).rows;

  it('a 1024-site cell: failed with the limit and how to lift it, no directory written', async () => {
    const workRoot = join(dir, 'big');
    const out = await run(workRoot, input('wf:dft:big', bigId));
    expect(out).toMatchObject({ status: 'failed', energyPerAtomEv: null });
    expect(out.reason).toMatch(
      /^input rejected: the structure has 1024 sites, more than the DFT limit of 500; lift it with MATDISC_DFT_MAX_SITES=1024/,
    );
    expect(await row('wf:dft:big')).toEqual([
      { status: 'failed', failure_reason: out.reason, attempts: [], running_job: null },
    ]);
    expect(existsSync(join(workRoot, 'dft'))).toBe(false);
  });

  it('the limit of the worker applies: a 2-site cell above a limit of 1 is refused the same way', async () => {
    const out = await run(join(dir, 'low'), input('wf:dft:low', siId), 1);
    expect(out.status).toBe('failed');
    expect(out.reason).toMatch(/2 sites, more than the DFT limit of 1/);
  });

  it('a work directory that cannot be made: failed with the path and the error, not running', async () => {
    const workRoot = join(dir, 'blocked');
    rmSync(workRoot, { recursive: true, force: true });
    writeFileSync(workRoot, 'a regular file where the work root must be\n');
    const started = performance.now();
    const out = await run(workRoot, input('wf:dft:blocked', siId));
    expect((performance.now() - started) / 1000).toBeLessThan(30);
    expect(out.status).toBe('failed');
    expect(out.reason).toMatch(
      new RegExp(
        `^cannot prepare or write the work directory ${workRoot}/dft/wf_dft_blocked/attempt-0: (ENOTDIR|EEXIST)`,
      ),
    );
    expect(await row('wf:dft:blocked')).toEqual([
      { status: 'failed', failure_reason: out.reason, attempts: [], running_job: null },
    ]);
    // A retry returns the stored outcome.
    expect(await run(workRoot, input('wf:dft:blocked', siId))).toEqual(out);
  });
});
