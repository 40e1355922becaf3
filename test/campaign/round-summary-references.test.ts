/**
 * `recordRoundSummary` when a DFT elemental reference failed (here: Ge, rejected for a missing
 * pseudopotential), on seeded rows in a real PostgreSQL and the Morse fixture committee: the
 * candidates that need Ge keep null with the reason, the others are assessed, the summary says why
 * `dftConfirmedStable` is null, and the MLIP error covers only the labels with references.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dftReferenceKey } from '../../activities/campaign/dft-references.js';
import { createRecordRoundSummary } from '../../activities/campaign/record-round-summary.js';
import { Structure } from '../../crystal/structure.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { structureRow } from '../../db/structure-row.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { MORSE, siliconCampaign } from './fixtures.js';

const LEVEL = 'qe:test:seeded';
const diamond = (el: string, other = el, a = 5.5) =>
  Structure.create(
    [
      [0, a / 2, a / 2],
      [a / 2, 0, a / 2],
      [a / 2, a / 2, 0],
    ],
    [el, other],
    [
      [0, 0, 0],
      [0.25, 0.25, 0.25],
    ],
  );

describe('round summary with a failed DFT elemental reference', () => {
  let t: TestDatabase;
  let roundId: string;
  const zeros = [
    [0, 0, 0],
    [0, 0, 0],
  ];

  beforeAll(async () => {
    t = await openTestDatabase('postgres', { migrated: true });
    const { db } = t;
    const config = siliconCampaign({ chemistry: { systems: ['Ge-Si'] } });
    await db.query("INSERT INTO campaigns (id, name, config) VALUES ('c', 'refs', $1)", [
      JSON.stringify(config),
    ]);
    const mv = await db.query<{ id: string }>(
      `INSERT INTO model_versions (kind, name, version, file_path, file_sha256) VALUES ('mlip', 'morse', 1, $1, 'x') RETURNING id::text AS id`,
      [resolve(MORSE)],
    );
    roundId = (
      await db.query<{ id: string }>(
        "INSERT INTO rounds (campaign_id, round_index, mlip_version_id) VALUES ('c', 0, $1) RETURNING id::text AS id",
        [mv.rows[0]!.id],
      )
    ).rows[0]!.id;
    const dft = async (key: string, s: Structure, extra: Record<string, unknown>, candidate: boolean) => {
      const sid = (
        await insertOnce(
          db,
          'structures',
          structureRow(
            s,
            candidate ? 'relaxed' : 'reference',
            candidate ? { campaign_id: 'c', round_id: roundId } : {},
          ),
          `${key}:structure`,
        )
      ).id;
      await insertOnce(
        db,
        'dft_calculations',
        {
          structure_id: sid,
          campaign_id: candidate ? 'c' : null,
          round_id: candidate ? roundId : null,
          engine: 'qe',
          calculation: candidate ? 'scf' : 'vc-relax',
          profile_name: 'test',
          profile: {},
          level_of_theory: LEVEL,
          ...extra,
        },
        key,
      );
    };
    // μ_Si = −10.5 eV/atom; Ge's reference failed.
    await dft(
      dftReferenceKey(LEVEL, 'Si'),
      diamond('Si', 'Si', 5.47),
      { status: 'converged', energy_ev: -21, energy_per_atom_ev: -10.5, forces_ev_per_a: zeros },
      false,
    );
    await dft(
      dftReferenceKey(LEVEL, 'Ge'),
      diamond('Ge'),
      { status: 'failed', failure_reason: 'input rejected: no pseudopotential for Ge' },
      false,
    );
    // A Si candidate 0.1 eV/atom above the reference, and a SiGe one that needs Ge.
    await dft(
      'c:dft:si',
      diamond('Si', 'Si', 5.3),
      { status: 'converged', energy_ev: -20.8, energy_per_atom_ev: -10.4, forces_ev_per_a: zeros },
      true,
    );
    await dft(
      'c:dft:sige',
      diamond('Si', 'Ge'),
      { status: 'converged', energy_ev: -30, energy_per_atom_ev: -15, forces_ev_per_a: zeros },
      true,
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it('keeps null with the reason where Ge is needed, assesses the rest, and goes on', async () => {
    const summarise = createRecordRoundSummary({ db: t.db, workRoot: '/tmp' });
    const summary = await summarise({ campaignId: 'c', roundId, requested: 2, novel: 2 });
    expect(summary).toMatchObject({
      dftRun: 2,
      dftConverged: 2,
      dftConfirmedStable: null,
      dftConfirmedStableAmongAssessed: 0,
      dftStabilityAssessed: 1,
      hitRate: null,
      dftReferences: {
        [LEVEL]: { Si: -10.5, Ge: 'calculation failed: input rejected: no pseudopotential for Ge' },
      },
      mlipErrorLabels: 2,
      mlipErrorNote: expect.stringMatching(/over 1 of 2 labels/),
    });
    expect(summary.dftStabilityNote).toMatch(
      /no DFT elemental reference at qe:test:seeded for Ge \(calculation failed: input rejected/,
    );
    expect(Number.isFinite(summary.mlipFormationEnergyMaeMevPerAtom)).toBe(true);
    expect(summary.mlipForceMaeEvPerA).toBeGreaterThanOrEqual(0);
    const rows = await t.db.query(
      `SELECT idempotency_key, formation_energy_per_atom_ev, e_above_hull_ev_per_atom, dft_confirmed_stable,
              stability_note, reference_element
         FROM dft_calculations ORDER BY idempotency_key`,
    );
    const byKey = Object.fromEntries(rows.rows.map((r) => [r.idempotency_key as string, r]));
    expect(byKey['c:dft:si']).toMatchObject({
      formation_energy_per_atom_ev: expect.closeTo(0.1, 12),
      e_above_hull_ev_per_atom: expect.closeTo(0.1, 9),
      dft_confirmed_stable: false,
      stability_note: null,
    });
    expect(byKey['c:dft:sige']).toMatchObject({
      formation_energy_per_atom_ev: null,
      dft_confirmed_stable: null,
      stability_note: expect.stringMatching(/for Ge \(calculation failed/),
    });
    expect(byKey[dftReferenceKey(LEVEL, 'Ge')]).toMatchObject({ reference_element: 'Ge' });
    expect(byKey[dftReferenceKey(LEVEL, 'Si')]).toMatchObject({
      reference_element: 'Si',
      formation_energy_per_atom_ev: 0,
      e_above_hull_ev_per_atom: 0,
    });
    const view = await t.db.query(
      "SELECT dft_confirmed_stable, dft_stability_unassessed FROM campaign_summary WHERE campaign_id = 'c'",
    );
    expect(view.rows[0]).toEqual({ dft_confirmed_stable: '0', dft_stability_unassessed: '1' });
  });
});
