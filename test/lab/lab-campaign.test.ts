/**
 * The campaign's hook into the lab on real components: a one-round Si campaign (prototype
 * generator, Morse committee, pw.x test profile; test/campaign/fixtures.ts) with a `lab` section
 * sends its DFT-converged candidate to the example robot; the experiment, an abandoned child,
 * completes after the campaign and shows in candidate_review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labExperimentWorkflowId } from '../../workflows/lab-experiment.js';
import type { LabExperimentSummary } from '../../activities/lab/lab-activities.js';
import { siliconCampaign } from '../campaign/fixtures.js';
import { startTemporalHarness, type TemporalHarness } from '../helpers/temporal-harness.js';
import { startRobotLab } from './lab-fixtures.js';

describe('campaign with a lab section', () => {
  let h: TemporalHarness;

  beforeAll(async () => {
    h = await startTemporalHarness({
      namespace: 'lab-campaign',
      queues: ['cpu', 'dft', 'gpu'],
      concurrency: { dft: 2 },
    });
    const robot = await startRobotLab(h, { durationMs: 500, progressEveryMs: 100 });
    await robot.startWorker();
  });

  afterAll(() => h?.stop());

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
    const result = await h.runCampaign(campaignId, config);
    expect(result.stage).toBe('completed');
    // The experiment is an abandoned child that writes its own lab_experiments row in its first
    // activity, which on a loaded machine runs after the campaign has returned: reading the table
    // right away found nothing once. Its workflow id follows from the candidate, so wait for it.
    const dft = await h.db.query<{ structure_id: string; status: string }>(
      `SELECT structure_id::text AS structure_id, status FROM dft_calculations WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(dft.rows.map((r) => r.status)).toEqual(['converged']);
    const structureId = dft.rows[0]!.structure_id;
    const summary = await h.client.workflow
      .getHandle<() => Promise<LabExperimentSummary>>(
        labExperimentWorkflowId(campaignId, 'http-robot', structureId),
      )
      .result();
    const started = await h.db.query<{ structure_id: string; selection: { basis: string }; status: string }>(
      `SELECT structure_id::text AS structure_id, selection, status, failure_reason, jobs, progress
         FROM lab_experiments WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(started.rows.map((r) => r.structure_id)).toEqual([structureId]);
    expect(['dft', 'mlip']).toContain(started.rows[0]!.selection.basis);
    expect(summary, JSON.stringify(started.rows)).toMatchObject({ status: 'succeeded', jobs: 1 });
    const review = await h.db.query(
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
