/**
 * `labExperiment` on real components: the Temporal dev server, PostgreSQL, the example robot
 * simulator as its own process and a lab worker process started as an operator would
 * (`matdisc worker --queues lab --plugin lab/examples/http-robot/plugin.ts`). Workflows
 * run on an in-process `cpu` worker. Simulator jobs take about a second.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { registerLab } from '../../cli/commands/lab.js';
import type { LabConfig } from '../../contracts/lab-config.js';
import { labExperiment, labExperimentWorkflowId } from '../../workflows/lab-experiment.js';
import { labExperimentStatusQuery, rejectSignal } from '../../workflows/lab-messages.js';
import { startTemporalHarness, type TemporalHarness } from '../helpers/temporal-harness.js';
import { runCommand } from '../helpers/run-command.js';
import {
  labConfig,
  seedCandidates,
  startLabExperiment,
  startRobotLab,
  type RobotLab,
} from './lab-fixtures.js';

const NAMESPACE = 'lab';
const CAMPAIGN = 'lab-campaign';

interface Row {
  id: string;
  status: string;
  failure_reason: string | null;
  device: string | null;
  result: Record<string, unknown> | null;
  files: { name: string; url: string; sha256: string }[];
  jobs: { jobId: string; state: string; reason: string | null }[];
  progress: Record<string, unknown> | null;
  idempotency_key: string;
  device_acquired_at: Date | null;
  finished_at: Date | null;
  decided_by: string | null;
}

describe('labExperiment with the example HTTP robot', () => {
  let h: TemporalHarness;
  let robot: RobotLab;
  let structures: string[];
  let next = 0;

  const row = async (structureId: string): Promise<Row | undefined> =>
    (
      await h.db.query<Row>(
        `SELECT id::text, status, failure_reason, device, result, files, jobs, progress, idempotency_key,
                device_acquired_at, finished_at, decided_by
           FROM lab_experiments WHERE structure_id = $1`,
        [structureId],
      )
    ).rows[0];
  const robotJobs = async (experimentKey: string) =>
    (await (
      await fetch(`${robot.sim.url}/jobs?experimentKey=${encodeURIComponent(experimentKey)}`)
    ).json()) as {
      id: string;
      state: string;
      submittedAt: string;
      startedAt: string | null;
      finishedAt: string | null;
    }[];
  const start = async (lab: LabConfig) => {
    const structureId = structures[next++]!;
    const handle = await startLabExperiment(h.client, CAMPAIGN, structureId, lab);
    return { structureId, handle };
  };
  const waitFor = async <T>(
    what: string,
    probe: () => Promise<T | undefined | false>,
    ms = 20_000,
  ): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    h = await startTemporalHarness({ namespace: NAMESPACE, queues: ['cpu'] });
    structures = await seedCandidates(h.db, CAMPAIGN, 10);
    robot = await startRobotLab(h, { durationMs: 1000, progressEveryMs: 200 });
    await robot.startWorker();
  });

  afterAll(() => h?.stop());

  it('end to end: request and approval by CLI, progress, result with measured data and files, in candidate_review', async () => {
    Object.assign(process.env, {
      TEMPORAL_ADDRESS: h.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      DATABASE_URL: h.url,
    });
    const structureId = structures[next++]!;
    const configFile = join(h.workDir, 'lab.yaml');
    writeFileSync(
      configFile,
      stringify({
        ...labConfig({ approval: { required: true, timeout: '1 minute' } }),
        request: { temperatureC: 900 },
      }),
    );
    const workflowId = (
      await runCommand(
        [registerLab],
        ['lab', 'request', structureId, '--config', configFile, '--campaign', CAMPAIGN],
      )
    ).trim();
    expect(workflowId).toBe(labExperimentWorkflowId(CAMPAIGN, 'http-robot', structureId));
    const handle = h.client.workflow.getHandle<typeof labExperiment>(workflowId);
    await waitFor(
      'the approval step',
      async () => (await handle.query(labExperimentStatusQuery)).stage === 'awaiting-approval',
    );
    const requested = (await row(structureId))!;
    expect(requested.status).toBe('requested');
    await sleep(300);
    expect((await row(structureId))!.jobs).toHaveLength(0); // nothing reaches the robot before approval

    await runCommand(
      [registerLab],
      ['lab', 'approve', requested.id, '--by', 'tester', '--note', 'looks stable'],
    );

    const progress = await waitFor('a progress report', async () => {
      const r = await row(structureId);
      return r?.progress && r.progress.state === 'running' && r.progress;
    });
    expect(progress!.fraction).toBeGreaterThanOrEqual(0);

    const summary = await handle.result();
    expect(summary).toMatchObject({ status: 'succeeded', device: 'furnace-1', jobs: 1, reason: null });
    const done = (await row(structureId))!;
    expect(done.decided_by).toBe('tester');
    expect(done.result).toMatchObject({ technique: 'XRD (Cu Kα)', formula: 'Si' });
    expect((done.result!.twoThetaPeaksDeg as number[]).length).toBeGreaterThan(2);
    expect(done.files).toHaveLength(1);
    const file = await (await fetch(done.files[0]!.url)).text();
    expect(createHash('sha256').update(file).digest('hex')).toBe(done.files[0]!.sha256);
    expect(await robotJobs(done.idempotency_key)).toHaveLength(1);

    const review = await h.db.query(
      `SELECT lab_status, lab_device, lab_plugin, lab_jobs, lab_failure_reason, lab_result, lab_files
         FROM candidate_review WHERE structure_id = $1`,
      [structureId],
    );
    expect(review.rows[0]).toMatchObject({
      lab_status: 'succeeded',
      lab_device: 'furnace-1',
      lab_plugin: 'http-robot',
      lab_jobs: 1,
      lab_failure_reason: null,
    });
    const listing = await runCommand([registerLab], ['lab', 'list', '--campaign', CAMPAIGN]);
    const status = await runCommand([registerLab], ['lab', 'status', workflowId]);
    console.log(`${listing}${status}`);
    expect(listing).toMatch(/\tsucceeded\tSi\thttp-robot@furnace-1\tjobs 1\t/);
    expect(status).toMatch(/: done \(succeeded\); decision approved; device furnace-1/);
    const device = await h.db.query(
      `SELECT holder_experiment_id, jobs_run FROM lab_devices WHERE name = 'furnace-1'`,
    );
    expect(device.rows[0]).toMatchObject({ holder_experiment_id: null });
  }, 60_000);

  it('a robot that fails, then succeeds: the submission 503 and the failed job are retried', async () => {
    const { structureId, handle } = await start(
      labConfig({ request: { kind: 'synthesis', simulate: { failJobs: 1, submitErrors: 1 } } }),
    );
    const summary = await handle.result();
    expect(summary, JSON.stringify(await row(structureId))).toMatchObject({ status: 'succeeded', jobs: 2 });
    const r = (await row(structureId))!;
    expect(r.jobs.map((j) => [j.state, j.reason])).toEqual([
      ['failed', 'gripper dropped the crucible'],
      ['succeeded', null],
    ]);
    expect(r.result).not.toBeNull();
    expect((await robotJobs(r.idempotency_key)).map((j) => j.state)).toEqual(['failed', 'succeeded']);
  }, 60_000);

  it('a failure the robot calls final is stored failed, not retried', async () => {
    const { structureId, handle } = await start(labConfig({ request: { simulate: { fatal: true } } }));
    expect(await handle.result()).toMatchObject({ status: 'failed', jobs: 1 });
    expect((await row(structureId))!.failure_reason).toMatch(/precursor not in the inventory/);
  }, 60_000);

  it('a robot that never answers: timed_out with a clear reason, the workflow completes, the device is freed', async () => {
    const lab = labConfig({
      devices: ['furnace-silent'],
      request: { simulate: { silent: true } },
      timeouts: { deviceWait: '1 minute', experiment: '5 seconds', progress: '1500 ms' },
      retry: { maxAttempts: 10, initialInterval: '200 ms' },
    });
    const began = Date.now();
    const { structureId, handle } = await start(lab);
    const summary = await handle.result(); // completes: no exception reaches a campaign
    console.log(`silent robot: timed out after ${((Date.now() - began) / 1000).toFixed(1)} s`);
    expect(summary.status).toBe('timed_out');
    expect(summary.reason).toMatch(
      /the robot (did not finish within 5 seconds|sent no report for 1500 ms|did not answer in 10 attempts)/,
    );
    const r = (await row(structureId))!;
    expect(r.status).toBe('timed_out');
    expect(r.jobs.at(-1)!.state).toBe('cancelled'); // the hung job was cancelled at the robot
    const device = await h.db.query(
      `SELECT holder_experiment_id FROM lab_devices WHERE name = 'furnace-silent'`,
    );
    expect(device.rows[0]!.holder_experiment_id).toBeNull();
  }, 60_000);

  it('device lock: two requests for one device run one after the other', async () => {
    const lab = labConfig({ devices: ['furnace-lock'], request: { simulate: { durationMs: 1500 } } });
    const [a, b] = [await start(lab), await start(lab)];
    const sawQueued = waitFor('one experiment queued behind the other', async () => {
      const rows = await Promise.all([row(a.structureId), row(b.structureId)]);
      return rows.some((r) => r?.status === 'queued') && rows.some((r) => r?.status === 'running');
    });
    await sawQueued;
    const [ra, rb] = await Promise.all([a.handle.result(), b.handle.result()]);
    console.log('device lock', JSON.stringify([ra, rb]));
    expect([ra.status, rb.status]).toEqual(['succeeded', 'succeeded']);
    const rows = [(await row(a.structureId))!, (await row(b.structureId))!].sort(
      (x, y) => x.device_acquired_at!.getTime() - y.device_acquired_at!.getTime(),
    );
    // Our lock, not the robot's queue: the second job reached the robot after the first finished.
    const first = (await robotJobs(rows[0]!.idempotency_key))[0]!;
    const second = (await robotJobs(rows[1]!.idempotency_key))[0]!;
    expect(Date.parse(second.submittedAt)).toBeGreaterThanOrEqual(Date.parse(first.finishedAt!));
    expect(rows[1]!.device_acquired_at!.getTime()).toBeGreaterThanOrEqual(
      rows[0]!.finished_at!.getTime() - 50,
    );
  }, 60_000);

  it('reject: the experiment ends rejected and nothing reaches the robot', async () => {
    const { structureId, handle } = await start(
      labConfig({ approval: { required: true, timeout: '1 minute' } }),
    );
    await waitFor('the experiment row', () => row(structureId));
    await handle.signal(rejectSignal, { by: 'tester', note: 'not this one' });
    expect(await handle.result()).toMatchObject({
      status: 'rejected',
      reason: 'rejected by tester: not this one',
      jobs: 0,
    });
  }, 60_000);

  it('cancel: the robot job is cancelled, the row says cancelled, the device is freed', async () => {
    const lab = labConfig({ devices: ['furnace-cancel'], request: { simulate: { durationMs: 20_000 } } });
    const { structureId, handle } = await start(lab);
    await waitFor('the job running', async () => (await row(structureId))?.status === 'running');
    await handle.cancel();
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const r = (await row(structureId))!;
    expect(r.status).toBe('cancelled');
    expect((await robotJobs(r.idempotency_key))[0]!.state).toBe('cancelled');
    const device = await h.db.query(
      `SELECT holder_experiment_id FROM lab_devices WHERE name = 'furnace-cancel'`,
    );
    expect(device.rows[0]!.holder_experiment_id).toBeNull();
  }, 60_000);
});
