/**
 * Novelty against what is known (issue 16, item 4): the deduplicate activity compares each relaxed
 * candidate with every imported reference phase of its reduced formula, whenever imported, and
 * stores the best match once; candidate_review shows it. Seeded rows in PGlite; the activity is
 * called directly.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeduplicate } from '../../activities/campaign/deduplicate.js';
import { Lattice } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { fingerprintSql } from '../../db/fingerprint-sql.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { structureRow } from '../../db/structure-row.js';
import { distortedRockSalt, distortedRutile, rutile } from '../dft/distorted-cells.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { MORSE, siliconCampaign } from './fixtures.js';

/** TiO2 in the fluorite (CaF2) structure: same formula as rutile, another crystal. */
const fluoriteTiO2 = Structure.create(
  Lattice.fcc(4.87),
  ['Ti', 'O', 'O'],
  [
    [0, 0, 0],
    [0.25, 0.25, 0.25],
    [0.75, 0.75, 0.75],
  ],
);

describe('known match of candidates against reference phases', () => {
  let t: TestDatabase;
  let roundId: string;
  const ids: Record<string, string> = {};
  const phases: Record<string, string> = {};

  beforeAll(async () => {
    t = await openTestDatabase('pglite', { migrated: true });
    const { db } = t;
    const mv = await db.query<{ id: string }>(
      `INSERT INTO model_versions (kind, name, version, file_path, file_sha256) VALUES ('mlip', 'morse', 1, $1, 'x') RETURNING id::text AS id`,
      [resolve(MORSE)],
    );
    await db.query('INSERT INTO campaigns (id, name, config) VALUES ($1, $1, $2)', [
      'known',
      JSON.stringify(siliconCampaign()),
    ]);
    roundId = (
      await db.query<{ id: string }>(
        'INSERT INTO rounds (campaign_id, round_index, mlip_version_id) VALUES ($1, 0, $2) RETURNING id::text AS id',
        ['known', mv.rows[0]!.id],
      )
    ).rows[0]!.id;
    const candidates = {
      rutile: distortedRutile(0.03),
      fluorite: fluoriteTiO2,
      rocksalt: distortedRockSalt(0.03),
    };
    for (const [name, s] of Object.entries(candidates))
      ids[name] = (
        await insertOnce(
          db,
          'structures',
          structureRow(s, 'relaxed', {
            campaign_id: 'known',
            round_id: roundId,
            fingerprint: fingerprintSql(s),
          }),
          `known:r0:relax:${name}`,
        )
      ).id;
    // Imported after the candidates (higher ids): deduplication does not look at them, this does.
    // Two TiO2 phases, and rutile imported twice (ties go to the lowest id).
    for (const [external, s] of [
      ['mp-2657', rutile],
      ['mp-fluorite', Structure.create(Lattice.fcc(5.3), ['Ti', 'O', 'O'], fluoriteTiO2.fracCoords)],
      ['mp-2657-again', rutile],
    ] as const) {
      const sid = (await insertOnce(db, 'structures', structureRow(s, 'reference'), `ref:${external}`)).id;
      phases[external] = (
        await db.query<{ id: string }>(
          `INSERT INTO reference_phases (source, external_id, structure_id, reduced_formula, chemical_system, level_of_theory)
           VALUES ('mp20', $1, $2, $3, $4, 'mp') RETURNING id::text AS id`,
          [external, sid, Structure.reducedFormula(s), Structure.chemicalSystem(s)],
        )
      ).rows[0]!.id;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores the best match of each candidate once and shows it in candidate_review', async () => {
    const dedup = createDeduplicate({ db: t.db, workRoot: '/tmp' });
    const first = await dedup({ campaignId: 'known', roundId });
    expect(first).toMatchObject({ candidates: 3, novel: 3 });
    const again = await dedup({ campaignId: 'known', roundId });
    expect(again).toEqual(first);

    const stored = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM known_matches');
    expect(stored.rows[0]!.n).toBe(3);
    const review = await t.db.query<{
      structure_id: string;
      known_match_checked: boolean;
      known_match: string | null;
      known_match_reference_phase_id: string | null;
      known_match_rms: number | null;
      known_match_phases_compared: number | null;
    }>(
      `SELECT structure_id::text AS structure_id, known_match_checked, known_match,
              known_match_reference_phase_id::text AS known_match_reference_phase_id, known_match_rms,
              known_match_phases_compared
         FROM candidate_review WHERE campaign_id = 'known' ORDER BY structure_id`,
    );
    const byId = new Map(review.rows.map((r) => [r.structure_id, r]));
    // Rattled, rotated, doubled rutile is the imported rutile (the first of the two equal phases).
    expect(byId.get(ids.rutile!)).toMatchObject({
      known_match_checked: true,
      known_match: 'mp20:mp-2657',
      known_match_reference_phase_id: phases['mp-2657'],
      known_match_phases_compared: 3,
    });
    expect(byId.get(ids.rutile!)!.known_match_rms).toBeGreaterThan(0);
    expect(byId.get(ids.rutile!)!.known_match_rms).toBeLessThan(0.1);
    // Fluorite TiO2 with another lattice constant: the matcher scales volumes, so it is known too.
    expect(byId.get(ids.fluorite!)).toMatchObject({
      known_match: 'mp20:mp-fluorite',
      known_match_phases_compared: 3,
    });
    // No MgO phase imported: checked, nothing to compare, no match.
    expect(byId.get(ids.rocksalt!)).toMatchObject({
      known_match_checked: true,
      known_match: null,
      known_match_reference_phase_id: null,
      known_match_rms: null,
      known_match_phases_compared: 0,
    });
  });

  it('leaves a candidate without a structure match unmatched', async () => {
    // A TiO2 candidate that is neither rutile nor fluorite: CdI2-type layers.
    const odd = Structure.create(
      Lattice.fromParameters(3.0, 3.0, 5.0, 90, 90, 120),
      ['Ti', 'O', 'O'],
      [
        [0, 0, 0],
        [1 / 3, 2 / 3, 0.25],
        [2 / 3, 1 / 3, 0.75],
      ],
    );
    const id = (
      await insertOnce(
        t.db,
        'structures',
        structureRow(odd, 'relaxed', {
          campaign_id: 'known',
          round_id: roundId,
          fingerprint: fingerprintSql(odd),
        }),
        'known:r0:relax:odd',
      )
    ).id;
    await createDeduplicate({ db: t.db, workRoot: '/tmp' })({ campaignId: 'known', roundId });
    const r = await t.db.query<{ known_match: string | null; known_match_phases_compared: number }>(
      'SELECT known_match, known_match_phases_compared FROM candidate_review WHERE structure_id = $1',
      [id],
    );
    expect(r.rows).toEqual([{ known_match: null, known_match_phases_compared: 3 }]);
  });
});
