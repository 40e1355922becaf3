/**
 * The campaign's DFT activity on real pw.x: one row per idempotency key, failures stored with
 * their reasons, heartbeats with progress, and — through a real one-node SLURM cluster — a retry
 * after the worker process was killed mid-job re-attaches to the running job instead of
 * submitting it again.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { execa } from 'execa';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siliconPrimitive } from '../../fixtures/silicon.js';
import {
  createDftActivities,
  type DftCalculationInput,
  type DftCalculationSummary,
} from '../../../activities/dft/dft-activities.js';
import { Structure } from '../../../crystal/structure.js';
import { insertOnce } from '../../../db/idempotent-insert.js';
import { structureRow } from '../../../db/structure-row.js';
import { openTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { slurmLines, startSlurmCluster } from '../../dft/slurm/cluster.js';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('DFT activity', () => {
  let t: TestDatabase;
  let workRoot: string;
  let siId: string;
  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    workRoot = mkdtempSync(join(tmpdir(), 'matdisc-dft-activity-'));
    chmodSync(workRoot, 0o755);
    siId = (await insertOnce(t.db, 'structures', structureRow(siliconPrimitive(), 'user'), 'si')).id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  const input = (key: string, extra: Partial<DftCalculationInput> = {}): DftCalculationInput => ({
    structureId: siId,
    engine: 'qe',
    profile: 'test',
    calculation: 'scf',
    scheduler: 'local',
    idempotencyKey: key,
    ...extra,
  });

  it('stores one converged row, heartbeats progress, and a retry re-reads it', async () => {
    const activities = createDftActivities({ db: t.db, workRoot });
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const first = (await env.run(
      activities.runDftCalculation,
      input('wf-1:dft:si'),
    )) as DftCalculationSummary;
    expect(first.status).toBe('converged');
    expect(first.energyPerAtomEv).toBeLessThan(-150);
    expect(beats.some((b) => typeof (b as { scfIteration?: number }).scfIteration === 'number')).toBe(true);
    const again = (await new MockActivityEnvironment({ attempt: 2 }).run(
      activities.runDftCalculation,
      input('wf-1:dft:si'),
    )) as DftCalculationSummary;
    expect(again).toEqual(first);
    const rows = await t.db.query(
      'SELECT status, jsonb_array_length(attempts) AS n, running_job FROM dft_calculations WHERE idempotency_key = $1',
      ['wf-1:dft:si'],
    );
    expect(rows.rows).toEqual([{ status: 'converged', n: 1, running_job: null }]);
  }, 180_000);

  it('stores a structure the engine rejects as a failed outcome with its reason, not an exception', async () => {
    const po = Structure.create(
      [
        [3.35, 0, 0],
        [0, 3.35, 0],
        [0, 0, 3.35],
      ],
      ['Po'],
      [[0, 0, 0]],
    );
    const poId = (await insertOnce(t.db, 'structures', structureRow(po, 'user'), 'po')).id;
    const activities = createDftActivities({ db: t.db, workRoot });
    const out = (await new MockActivityEnvironment().run(
      activities.runDftCalculation,
      input('wf-1:dft:po', { structureId: poId }),
    )) as DftCalculationSummary;
    expect(out.status).toBe('failed');
    expect(out.reason).toMatch(/Po/);
  });

  it('re-attaches to the SLURM job after the worker process is killed mid-job', async () => {
    await startSlurmCluster();
    const key = `wf-crash-${Date.now()}:dft:si`;
    const job = input(key, { scheduler: 'slurm' });
    const child = execa(
      'npx',
      ['tsx', join(import.meta.dirname, 'run-activity-child.ts'), t.url, workRoot, JSON.stringify(job)],
      {
        cwd: ROOT,
        reject: false,
      },
    );
    // Wait until the job is submitted and its id stored, then kill the "worker" with SIGKILL.
    let jobId: string | undefined;
    for (let i = 0; i < 600 && !jobId; i++) {
      const r = await t.db.query<{ scheduler_job_id: string | null }>(
        'SELECT scheduler_job_id FROM dft_calculations WHERE idempotency_key = $1',
        [key],
      );
      jobId = r.rows[0]?.scheduler_job_id ?? undefined;
      if (!jobId) await new Promise((res) => setTimeout(res, 250));
    }
    expect(jobId).toBeDefined();
    child.kill('SIGKILL');
    await child;
    const activities = createDftActivities({ db: t.db, workRoot });
    const out = (await new MockActivityEnvironment({ attempt: 2 }).run(
      activities.runDftCalculation,
      job,
    )) as DftCalculationSummary;
    expect(out.status).toBe('converged');
    const row = await t.db.query(
      'SELECT scheduler_job_id, jsonb_array_length(attempts) AS n FROM dft_calculations WHERE idempotency_key = $1',
      [key],
    );
    expect(row.rows).toEqual([{ scheduler_job_id: jobId, n: 1 }]);
    // The scheduler ran exactly one job for this calculation's directory.
    const workDir = (
      await t.db.query<{ work_dir: string }>(
        'SELECT work_dir FROM dft_calculations WHERE idempotency_key = $1',
        [key],
      )
    ).rows[0]!.work_dir;
    const jobs = await slurmLines('sacct', ['-n', '-P', '-X', '-S', 'now-1hour', '-o', 'JobID,WorkDir']);
    expect(jobs.filter((l) => l.split('|')[1]?.startsWith(workDir))).toHaveLength(1);
  }, 300_000);
});
