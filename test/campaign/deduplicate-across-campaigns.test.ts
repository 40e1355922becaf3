/**
 * Two campaigns of one configuration started together generate the same cells (same generator,
 * same seed). Deduplication compares each candidate with every structure stored before it, of any
 * campaign, so the later campaign's candidates become duplicates of the earlier one's and are left
 * out of its hull and DFT selection: it ended rounds with "unique" candidates and none predicted
 * stable, silently. Now the deduplicate result counts them and the round summary names the other
 * campaign. Seeded rows in a real PostgreSQL; the activities are called directly.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeduplicate } from '../../activities/campaign/deduplicate.js';
import { createRecordRoundSummary } from '../../activities/campaign/record-round-summary.js';
import { Structure } from '../../crystal/structure.js';
import { fingerprintSql } from '../../db/fingerprint-sql.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { structureRow } from '../../db/structure-row.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { MORSE, siliconCampaign } from './fixtures.js';

const cubic = (a: number) =>
  Structure.create(
    [
      [a, 0, 0],
      [0, a, 0],
      [0, 0, a],
    ],
    ['Si'],
    [[0, 0, 0]],
  );
const fcc = (a: number) =>
  Structure.create(
    [
      [a, 0, 0],
      [0, a, 0],
      [0, 0, a],
    ],
    ['Si', 'Si', 'Si', 'Si'],
    [
      [0, 0, 0],
      [0.5, 0.5, 0],
      [0.5, 0, 0.5],
      [0, 0.5, 0.5],
    ],
  );
const diamond = (a: number) =>
  Structure.create(
    [
      [0, a / 2, a / 2],
      [a / 2, 0, a / 2],
      [a / 2, a / 2, 0],
    ],
    ['Si', 'Si'],
    [
      [0, 0, 0],
      [0.25, 0.25, 0.25],
    ],
  );

describe('deduplication across campaigns', () => {
  let t: TestDatabase;
  const rounds: Record<string, string> = {};

  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    const { db } = t;
    const mv = await db.query<{ id: string }>(
      `INSERT INTO model_versions (kind, name, version, file_path, file_sha256) VALUES ('mlip', 'morse', 1, $1, 'x') RETURNING id::text AS id`,
      [resolve(MORSE)],
    );
    for (const campaign of ['first', 'second']) {
      await db.query('INSERT INTO campaigns (id, name, config) VALUES ($1, $1, $2)', [
        campaign,
        JSON.stringify(siliconCampaign()),
      ]);
      rounds[campaign] = (
        await db.query<{ id: string }>(
          'INSERT INTO rounds (campaign_id, round_index, mlip_version_id) VALUES ($1, 0, $2) RETURNING id::text AS id',
          [campaign, mv.rows[0]!.id],
        )
      ).rows[0]!.id;
    }
    // The same two relaxed cells in both campaigns, interleaved as when both run at once; the
    // second campaign also has one cell of its own.
    const cells = { diamond: diamond(5.47), cubic: cubic(2.6), own: fcc(3.9) };
    const relaxed = (campaign: string, name: keyof typeof cells) =>
      insertOnce(
        db,
        'structures',
        structureRow(cells[name], 'relaxed', {
          campaign_id: campaign,
          round_id: rounds[campaign]!,
          fingerprint: fingerprintSql(cells[name]),
        }),
        `${campaign}:r0:relaxed:${name}`,
      );
    await relaxed('first', 'diamond');
    await relaxed('second', 'diamond');
    await relaxed('first', 'cubic');
    await relaxed('second', 'cubic');
    await relaxed('second', 'own');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('counts the duplicates of another campaign and the round summary names it', async () => {
    const deps = { db: t.db, workRoot: '/tmp' };
    const dedup = createDeduplicate(deps);
    expect(await dedup({ campaignId: 'first', roundId: rounds.first! })).toEqual({
      candidates: 2,
      unique: 2,
      novel: 2,
      duplicatesOfOtherCampaigns: 0,
    });
    expect(await dedup({ campaignId: 'second', roundId: rounds.second! })).toEqual({
      candidates: 3,
      unique: 3,
      novel: 1,
      duplicatesOfOtherCampaigns: 2,
    });
    // Left out of the second campaign's hull and DFT selection, as before: only its own cell remains.
    const left = await t.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM structures WHERE round_id = $1 AND origin = 'relaxed' AND duplicate_of_id IS NULL",
      [rounds.second!],
    );
    expect(Number(left.rows[0]!.n)).toBe(1);

    const summarise = createRecordRoundSummary(deps);
    const second = await summarise({ campaignId: 'second', roundId: rounds.second!, requested: 3, novel: 1 });
    expect(second).toMatchObject({
      unique: 1,
      duplicatesOfOtherCampaigns: 2,
      duplicatesNote: expect.stringMatching(
        /^2 candidate\(s\) are structures another campaign found first \(first: 2\); they are left out of this campaign's hull and DFT selection.*generator\.seed/,
      ),
    });
    const first = await summarise({ campaignId: 'first', roundId: rounds.first!, requested: 2, novel: 2 });
    expect(first).toMatchObject({ unique: 2, duplicatesOfOtherCampaigns: 0, duplicatesNote: null });
    const stored = await t.db.query<{ summary: { duplicatesOfOtherCampaigns: number } }>(
      'SELECT summary FROM rounds WHERE id = $1',
      [rounds.second!],
    );
    expect(stored.rows[0]!.summary.duplicatesOfOtherCampaigns).toBe(2);
  });
});
