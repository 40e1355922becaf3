/**
 * With no known compound of the campaign's systems imported, the MLIP hull is the elements alone
 * and "predicted stable" only means "below the elements" (15 of 16 candidates of one campaign
 * counted so). The round summary says so, and stops saying it once a compound is imported.
 * Seeded rows in a real PostgreSQL; the activity is called directly.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRecordRoundSummary,
  predictedStableNote,
} from '../../activities/campaign/record-round-summary.js';
import { Lattice } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { structureRow } from '../../db/structure-row.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { MORSE, siliconCampaign } from './fixtures.js';

describe('the predicted-stable note', () => {
  it('only for compound systems with predicted-stable candidates and no known compound', () => {
    expect(predictedStableNote(3, 0, ['Li-Si'])).toMatch(
      /^3 candidate\(s\) count as predicted stable against a hull of the elements alone: no known compound of Li-Si is imported.*matdisc db import-reference/,
    );
    expect(predictedStableNote(0, 0, ['Li-Si'])).toBeNull();
    expect(predictedStableNote(3, 1, ['Li-Si'])).toBeNull();
    expect(predictedStableNote(3, 0, ['Si'])).toBeNull();
  });

  describe('in the round summary', () => {
    let t: TestDatabase;
    let mv: string;
    beforeAll(async () => {
      t = await openTestDatabase('postgres', { migrated: true });
      mv = (
        await t.db.query<{ id: string }>(
          `INSERT INTO model_versions (kind, name, version, file_path, file_sha256) VALUES ('mlip', 'morse', 1, $1, 'x') RETURNING id::text AS id`,
          [resolve(MORSE)],
        )
      ).rows[0]!.id;
      await t.db.query('INSERT INTO campaigns (id, name, config) VALUES ($1, $1, $2)', [
        'li-si',
        JSON.stringify(siliconCampaign({ chemistry: { systems: ['Li-Si'] } })),
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    async function roundWithStableCandidate(index: number): Promise<string> {
      const round = (
        await t.db.query<{ id: string }>(
          'INSERT INTO rounds (campaign_id, round_index, mlip_version_id) VALUES ($1, $2, $3) RETURNING id::text AS id',
          ['li-si', index, mv],
        )
      ).rows[0]!.id;
      const cell = Structure.create(
        Lattice.cubic(3.2 + index / 10),
        ['Li', 'Si'],
        [
          [0, 0, 0],
          [0.5, 0.5, 0.5],
        ],
      );
      const s = await insertOnce(
        t.db,
        'structures',
        structureRow(cell, 'relaxed', { campaign_id: 'li-si', round_id: round }),
        `li-si:r${index}:relaxed`,
      );
      await t.db.query(
        `INSERT INTO predictions (structure_id, model_version_id, energy_ev, energy_per_atom_ev, e_above_hull_ev_per_atom)
         VALUES ($1, $2, -6, -3, -0.2)`,
        [s.id, mv],
      );
      return round;
    }

    it('says so with only the elements, and not once a Li-Si compound is imported', async () => {
      const summarise = createRecordRoundSummary({ db: t.db, workRoot: '/tmp' });
      const first = await roundWithStableCandidate(0);
      const before = await summarise({ campaignId: 'li-si', roundId: first, requested: 1, novel: 1 });
      expect(before.predictedStable).toBe(1);
      expect(before.predictedStableNote).toMatch(/against a hull of the elements alone.*Li-Si/);

      // A unary phase is not a compound: still the note.
      await t.db.query(
        `INSERT INTO reference_phases (source, external_id, reduced_formula, chemical_system, level_of_theory)
         VALUES ('test', 'li', 'Li', 'Li', 'mp')`,
      );
      const second = await roundWithStableCandidate(1);
      expect(
        (await summarise({ campaignId: 'li-si', roundId: second, requested: 1, novel: 1 }))
          .predictedStableNote,
      ).not.toBeNull();

      await t.db.query(
        `INSERT INTO reference_phases (source, external_id, reduced_formula, chemical_system, level_of_theory)
         VALUES ('test', 'lisi', 'LiSi', 'Li-Si', 'mp')`,
      );
      const third = await roundWithStableCandidate(2);
      const after = await summarise({ campaignId: 'li-si', roundId: third, requested: 1, novel: 1 });
      expect(after.predictedStable).toBe(1);
      expect(after.predictedStableNote).toBeNull();
    });
  });
});
