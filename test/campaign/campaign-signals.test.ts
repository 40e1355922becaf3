/**
 * Messages to a running campaign, on real components: the status query while DFT runs, the
 * setBudget update (accepted, and rejected by its validator), and stop {mode: 'cancel'} while two
 * DFT jobs run. Jobs start 120 s late (DelayedLauncher) so the test acts while they certainly run.
 * Cancellation contract: the DFT children end cancelled, their jobs are killed, and each row is
 * stored as `failed` with reason 'cancelled' (never left 'running').
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANCELLED_REASON } from '../../activities/dft/dft-activities.js';
import { campaignStatusQuery, setBudgetUpdate, stopSignal } from '../../workflows/campaign-messages.js';
import { dftCandidateWorkflowId } from '../../workflows/dft-candidate.js';
import {
  campaignStatus,
  startTemporalHarness,
  waitForRunningDftJobs,
  type TemporalHarness,
} from '../helpers/temporal-harness.js';
import { DelayedLauncher } from './delayed-launcher.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';

describe('campaign signals, updates and queries', () => {
  let h: TemporalHarness;

  beforeAll(async () => {
    h = await startTemporalHarness({
      namespace: 'campaign-signals',
      queues: ['cpu', 'dft', 'gpu'],
      launchers: { local: new DelayedLauncher(120) },
      concurrency: { dft: 2 },
    });
  });

  afterAll(() => h?.stop());

  it('status while DFT runs, setBudget accepted and rejected, stop --cancel cancels the DFT jobs', async () => {
    const campaignId = `campaign-signals-${Date.now()}`;
    // References already computed, as after a first campaign: both DFT slots go to candidates.
    await seedDftReferences(h.db, siliconCampaign({ rounds: 2 }));
    const handle = await h.startCampaign(campaignId, siliconCampaign({ rounds: 2 }));
    // Wait until both DFT jobs are submitted (their rows carry a job id).
    const running = await waitForRunningDftJobs(h.db, campaignId, 2, 300);
    expect(running).toHaveLength(2);

    const status = await handle.query(campaignStatusQuery);
    expect(status).toMatchObject({
      campaignId,
      round: 0,
      stage: 'dft',
      paused: false,
      stopRequested: null,
      dftBudgetTotal: 2,
      dftSpent: 2,
      dftInFlight: 2,
      roundsCompleted: 0,
      counts: { generated: 6, dftConverged: 0, dftFailed: 0 },
      stopReason: null,
    });
    expect(status.mlipVersionId).toMatch(/\d+/);
    expect(status.counts.unique).toBeGreaterThan(0);

    // Rejected by the validator: not a whole number from 1 to 100000, and below what is spent. Nothing changes.
    for (const [bad, why] of [
      [0, /expected a whole number from 1 to 100000, got 0/],
      [1, /below the 2 DFT calculations already spent/],
    ] as const) {
      const err = await handle.executeUpdate(setBudgetUpdate, { args: [{ dftBudgetTotal: bad }] }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'InvalidBudget' });
      expect(String((err as WorkflowUpdateFailedError).cause?.message)).toMatch(why);
    }
    expect((await handle.query(campaignStatusQuery)).dftBudgetTotal).toBe(2);
    const accepted = await handle.executeUpdate(setBudgetUpdate, { args: [{ dftBudgetTotal: 5 }] });
    expect(accepted).toMatchObject({ dftBudgetTotal: 5, dftSpent: 2 });
    expect((await handle.query(campaignStatusQuery)).dftBudgetTotal).toBe(5);

    await handle.signal(stopSignal, { mode: 'cancel' });
    const result = await handle.result();
    expect(result).toMatchObject({
      stage: 'stopped',
      stopRequested: 'cancel',
      stopReason: 'stop (cancel)',
      dftBudgetTotal: 5,
      dftSpent: 2,
      dftInFlight: 0,
    });
    for (const r of running) {
      const child = await h.client.workflow
        .getHandle(dftCandidateWorkflowId(campaignId, r.structure_id))
        .describe();
      expect(child.status.name).toBe('CANCELLED');
    }
    const rows = await h.db.query<{ status: string; failure_reason: string | null; running_job: unknown }>(
      'SELECT status, failure_reason, running_job FROM dft_calculations WHERE campaign_id = $1',
      [campaignId],
    );
    expect(rows.rows).toHaveLength(2);
    for (const r of rows.rows)
      expect(r).toMatchObject({ status: 'failed', failure_reason: CANCELLED_REASON, running_job: null });
    expect(await campaignStatus(h.db, campaignId)).toBe('stopped');
    // The second round never started.
    const rounds = await h.db.query('SELECT id FROM rounds WHERE campaign_id = $1', [campaignId]);
    expect(rounds.rows).toHaveLength(1);
  }, 170_000);
});
