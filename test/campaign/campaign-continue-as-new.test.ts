/**
 * `continueAsNew` really happens, and the state crosses it: a 2-round campaign with
 * `roundsPerRun: 1` runs as two workflow runs. The first run's history ends with
 * ContinuedAsNew, whose input carries the round counter, the DFT budget spent and the counts; the
 * second run starts from them, and its result adds both rounds up.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryCampaignInput } from '../../workflows/campaign.js';
import { startTemporalHarness, type TemporalHarness } from '../helpers/temporal-harness.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';

describe('campaign continues as new', () => {
  let h: TemporalHarness;

  beforeAll(async () => {
    h = await startTemporalHarness({ namespace: 'campaign-continue-as-new', queues: ['cpu', 'dft', 'gpu'] });
  });

  afterAll(() => h?.stop());

  it('2 rounds at 1 round per run: a new run id, ContinuedAsNew in the history, state carried over', async () => {
    const campaignId = `campaign-can-${Date.now()}`;
    const config = siliconCampaign({
      rounds: 2,
      roundsPerRun: 1,
      candidatesPerRound: 4,
      dft: { profile: 'test', budgetPerRound: 1, budgetTotal: 2, maxConcurrent: 1 },
    });
    await seedDftReferences(h.db, config); // not under test here; saves a vc-relax
    const handle = await h.startCampaign(campaignId, config);
    const result = await handle.result(); // follows the chain of runs to the last one

    const last = await h.client.workflow.getHandle(campaignId).describe();
    expect(last.runId).not.toBe(handle.firstExecutionRunId);
    const firstRun = await h.client.workflow.getHandle(campaignId, handle.firstExecutionRunId).describe();
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');

    const history = await h.client.workflow.getHandle(campaignId, handle.firstExecutionRunId).fetchHistory();
    const end = history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes;
    expect(end, 'the first run ends with ContinuedAsNew').toBeTruthy();
    expect(end!.newExecutionRunId).toBe(last.runId);
    const next = defaultPayloadConverter.fromPayload<DiscoveryCampaignInput>(end!.input!.payloads![0]!);
    const carried = next.carried!;
    expect(carried.nextRound).toBe(1);
    expect(carried.dftSpent).toBe(1);
    expect(carried.counts.generated).toBe(4);
    expect(carried.mlipVersionId).toBe(result.mlipVersionId);

    // The second run went on from there: both rounds counted, budget spent across both runs.
    const dftRows = await h.db.query<{ round_index: number }>(
      `SELECT r.round_index FROM dft_calculations d JOIN rounds r ON r.id = d.round_id
        WHERE d.campaign_id = $1 ORDER BY r.round_index`,
      [campaignId],
    );
    expect(dftRows.rows[0]!.round_index).toBe(0);
    expect(result).toMatchObject({
      stage: 'completed',
      round: 2,
      roundsCompleted: 2,
      dftBudgetTotal: 2,
      dftSpent: dftRows.rows.length,
    });
    expect(result.dftSpent).toBeGreaterThanOrEqual(carried.dftSpent);
    expect(result.counts.generated).toBe(8);
    expect(result.counts.dftConverged).toBe(dftRows.rows.length);
    const rounds = await h.db.query<{ round_index: number }>(
      'SELECT round_index FROM rounds WHERE campaign_id = $1 ORDER BY round_index',
      [campaignId],
    );
    expect(rounds.rows.map((r) => r.round_index)).toEqual([0, 1]);
  }, 240_000);
});
