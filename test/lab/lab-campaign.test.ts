/**
 * The campaign's hook into the lab on real components: a one-round Si campaign (prototype
 * generator, Morse committee, pw.x test profile; test/campaign/fixtures.ts) with a `lab` section
 * sends its DFT-converged candidate to the example robot; the experiment, an abandoned child,
 * completes after the campaign and shows in candidate_review.
 */
import { Client, Connection } from '@temporalio/client';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../cli/stack/free-port.js';
import { startWorkers, WORKFLOW_TASK_QUEUE, type RunningWorkers } from '../../cli/start-workers.js';
import { discoveryCampaign } from '../../workflows/campaign.js';
import { labExperimentWorkflowId } from '../../workflows/lab-experiment.js';
import type { LabExperimentSummary } from '../../activities/lab/lab-activities.js';
import { siliconCampaign } from '../campaign/fixtures.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startLabWorker, startSimulator, type Proc } from './lab-fixtures.js';

const NAMESPACE = 'lab-campaign';

describe('campaign with a lab section', () => {
  let t: TestDatabase;
  let workDir: string;
  let sim: Proc & { url: string };
  let labWorker: Proc;
  let workers: RunningWorkers;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    workDir = mkdtempSync(join(tmpdir(), 'matdisc-lab-campaign-'));
    chmodSync(workDir, 0o755);
    sim = await startSimulator({ durationMs: 500, progressEveryMs: 100 });
    labWorker = await startLabWorker({
      temporalAddress: inject('temporalAddress'),
      namespace: NAMESPACE,
      databaseUrl: t.url,
      robotUrl: sim.url,
      callbackPort: await freePort(),
      workDir,
    });
    workers = await startWorkers({
      address: inject('temporalAddress'),
      namespace: NAMESPACE,
      queues: ['cpu', 'dft', 'gpu'],
      deps: { db: t.db, workRoot: workDir, pseudoDir: process.env.PSEUDO_DIR },
      concurrency: { dft: 2 },
    });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: NAMESPACE });
  });

  afterAll(async () => {
    await connection?.close();
    await workers?.shutdown();
    await labWorker?.stop();
    await sim?.stop();
    await t?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('sends the qualifying candidate to the robot; the result is in candidate_review', async () => {
    const campaignId = `campaign-lab-${Date.now()}`;
    const config = siliconCampaign({
      dft: { profile: 'test', budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 1 },
      lab: {
        plugin: 'http-robot',
        devices: ['furnace-1'],
        // Wide window: the test is about the hook, not about which prototype is stable.
        select: { maxEAboveHullEvPerAtom: 100, maxPerRound: 1 },
        request: { kind: 'synthesis', temperatureC: 900 },
        approval: { required: false },
        // Generous: the robot finishes in 0.5 s, and a silent robot is lab-experiment.test.ts's
        // subject; here a slow (loaded) machine must not turn into a `timed_out` experiment.
        timeouts: { deviceWait: '2 minutes', experiment: '3 minutes', progress: '1 minute' },
      },
    });
    const result = await client.workflow.execute(discoveryCampaign, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: campaignId,
      args: [{ campaignId, config }],
    });
    expect(result.stage).toBe('completed');
    // The experiment is an abandoned child that writes its own lab_experiments row in its first
    // activity, which on a loaded machine runs after the campaign has returned: reading the table
    // right away found nothing once. Its workflow id follows from the candidate, so wait for it.
    const dft = await t.db.query<{ structure_id: string; status: string }>(
      `SELECT structure_id::text AS structure_id, status FROM dft_calculations WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(dft.rows.map((r) => r.status)).toEqual(['converged']);
    const structureId = dft.rows[0]!.structure_id;
    const summary = await client.workflow
      .getHandle<() => Promise<LabExperimentSummary>>(
        labExperimentWorkflowId(campaignId, 'http-robot', structureId),
      )
      .result();
    const started = await t.db.query<{ structure_id: string; selection: { basis: string }; status: string }>(
      `SELECT structure_id::text AS structure_id, selection, status, failure_reason, jobs, progress
         FROM lab_experiments WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(started.rows.map((r) => r.structure_id)).toEqual([structureId]);
    expect(['dft', 'mlip']).toContain(started.rows[0]!.selection.basis);
    expect(summary, JSON.stringify(started.rows)).toMatchObject({ status: 'succeeded', jobs: 1 });
    const review = await t.db.query(
      `SELECT dft_status, lab_status, lab_device, lab_result FROM candidate_review WHERE structure_id = $1`,
      [structureId],
    );
    expect(review.rows[0]).toMatchObject({
      dft_status: 'converged',
      lab_status: 'succeeded',
      lab_device: 'furnace-1',
    });
    expect(review.rows[0]!.lab_result.formula).toBe('Si');
  }, 420_000);
});
