/**
 * A lab worker killed with SIGKILL while its experiment waits on the robot: the robot keeps
 * working and repeats its callbacks; a new worker process (same plugin, same callback port) takes
 * over — through the callbacks, its poller, or a re-attaching retry of the activity after the
 * heartbeat timeout — and the experiment completes exactly once: one row, one robot job.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalHarness, type TemporalHarness } from '../helpers/temporal-harness.js';
import {
  labConfig,
  seedCandidates,
  startLabExperiment,
  startRobotLab,
  type RobotLab,
} from './lab-fixtures.js';

describe('lab experiment survives kill -9 of its lab worker', () => {
  let h: TemporalHarness;
  let robot: RobotLab;

  beforeAll(async () => {
    h = await startTemporalHarness({ namespace: 'lab-kill', queues: ['cpu'] });
    robot = await startRobotLab(h, { durationMs: 6000, progressEveryMs: 300 });
  });

  afterAll(() => h?.stop());

  it('kill -9 while waiting, new worker: completes once', async () => {
    const [structureId] = await seedCandidates(h.db, 'lab-kill-campaign', 1);
    const first = await robot.startWorker();
    const lab = labConfig({
      timeouts: { deviceWait: '1 minute', experiment: '1 minute', progress: '2 seconds' },
    });
    const handle = await startLabExperiment(h.client, 'lab-kill-campaign', structureId!, lab);
    for (let i = 0; i < 200; i++) {
      const r = await h.db.query(
        `SELECT progress FROM lab_experiments WHERE structure_id = $1 AND status = 'running'`,
        [structureId],
      );
      if (r.rows[0]?.progress?.state === 'running') break;
      await sleep(100);
    }
    await first.kill9();
    expect(first.child.signalCode).toBe('SIGKILL');
    const killedAt = Date.now();
    await sleep(1000); // the robot's callbacks fail meanwhile; it repeats them
    await robot.startWorker();

    const summary = await handle.result();
    console.log(`lab kill: experiment done ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    expect(summary).toMatchObject({ status: 'succeeded', jobs: 1 });
    const rows = await h.db.query<{
      idempotency_key: string;
      status: string;
      jobs: unknown[];
      result: unknown;
    }>(`SELECT idempotency_key, status, jobs, result FROM lab_experiments WHERE structure_id = $1`, [
      structureId,
    ]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]!.jobs).toHaveLength(1);
    expect(rows.rows[0]!.result).not.toBeNull();
    const jobs = (await (
      await fetch(`${robot.sim.url}/jobs?experimentKey=${encodeURIComponent(rows.rows[0]!.idempotency_key)}`)
    ).json()) as { state: string }[];
    expect(jobs.map((j) => j.state)).toEqual(['succeeded']); // submitted once, never again
  }, 90_000);
});
