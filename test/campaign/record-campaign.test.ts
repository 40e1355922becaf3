/**
 * `recordCampaign`, the first activity of a campaign, refuses what cannot be stored or would mix
 * campaigns, non-retryably and before writing anything: a name with a NUL (PostgreSQL refuses it,
 * so the activity used to retry 20 times and the campaign never appeared) and the id of a
 * campaign that already ended (its rounds and summary would mix with the new run's).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordCampaign } from '../../activities/campaign/record-campaign.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { siliconCampaign } from './fixtures.js';

describe('recordCampaign refuses', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const record = (campaignId: string, config: CampaignConfig) =>
    createRecordCampaign({ db: t.db, workRoot: '/tmp', pseudoDir: process.env.PSEUDO_DIR })({
      campaignId,
      config,
    }).catch((e: unknown) => e);
  const rows = async (table: string) =>
    Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  it('a NUL in the name: non-retryable CampaignConfigError naming the field, nothing stored', async () => {
    const err = await record('nul-name', { ...siliconCampaign(), name: 'si\0test' });
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'CampaignConfigError', nonRetryable: true });
    expect((err as Error).message).toMatch(/^name: contains a control character \(U\+0000 at position 3\)/);
    expect(await rows('campaigns')).toBe(0);
    expect(await rows('events')).toBe(0);
  });

  it('a control character in the campaign id: refused naming campaignId', async () => {
    const err = await record('bad\nid', siliconCampaign());
    expect(err).toMatchObject({ type: 'CampaignConfigError', nonRetryable: true });
    expect((err as Error).message).toMatch(/^campaignId: contains a control character \(U\+000A/);
    expect(await rows('campaigns')).toBe(0);
  });

  it('the id of a campaign that ended: refused, the old campaign left as it was', async () => {
    await t.db.query(
      `INSERT INTO campaigns (id, name, config, status, result) VALUES ('done', 'si-test', $1, 'completed', '{"round": 3}')`,
      [JSON.stringify(siliconCampaign())],
    );
    const err = await record('done', siliconCampaign());
    expect(err).toMatchObject({ type: 'CampaignConfigError', nonRetryable: true });
    expect((err as Error).message).toMatch(
      /^campaignId: done is a campaign that already ended \(completed\); start the new one under a new id/,
    );
    const done = await t.db.query('SELECT status, result FROM campaigns');
    expect(done.rows).toEqual([{ status: 'completed', result: { round: 3 } }]);
    expect(await rows('events')).toBe(0);
    expect(await rows('model_versions')).toBe(0);
  });

  it('a retry of a campaign still running is recorded as before', async () => {
    const first = await record('running', siliconCampaign());
    const again = await record('running', siliconCampaign());
    expect(first).toEqual({ mlipVersionId: expect.stringMatching(/^\d+$/) });
    expect(again).toEqual(first);
  });
});
