/**
 * An oxide campaign on real components (Temporal, PostgreSQL + pgvector, pw.x with the test
 * profile): Mg–O with the built-in prototype generator and the universal committee (SevenNet-0 plus
 * a Δ committee). It must compute a DFT reference for each of its elements — hcp Mg (a solid,
 * vc-relaxed) and O₂ (a triplet molecule in a 10 Å box, relaxed at fixed cell) — store their kind
 * and source, assess its DFT candidate's stability against them, and retrain the universal
 * committee on those QE labels into a new model version that fits them better than its parent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelVersionFilePath } from '../../db/model-versions.js';
import { structureFromRow } from '../../db/structure-row.js';
import { listTrainingFrames } from '../../db/training-set.js';
import { MlipModel } from '../../models/mlip/index.js';
import { startTemporalHarness, type TemporalHarness } from '../helpers/temporal-harness.js';
import { siliconCampaign } from './fixtures.js';

describe('an oxide campaign', () => {
  let h: TemporalHarness;

  beforeAll(async () => {
    h = await startTemporalHarness({ namespace: 'campaign-oxide', queues: ['cpu', 'dft', 'gpu'] });
  });

  afterAll(() => h?.stop());

  it('Mg-O completes with DFT references for Mg and O and an assessed candidate', async () => {
    const campaignId = `campaign-mgo-${Date.now()}`;
    const result = await h.runCampaign(
      campaignId,
      siliconCampaign({
        name: 'mgo-test',
        chemistry: { systems: ['Mg-O'] },
        // Every prototype of the system: Mg and O elemental cells and rock salt, CsCl, zinc blende MgO.
        candidatesPerRound: 11,
        mlip: { model: 'universal-committee' },
        relax: { fmax: 0.1, steps: 60 },
        acquisition: { strategy: 'greedy', kappa: 1 },
        dft: { profile: 'test', budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 2 },
        // Two rounds so that round 1's labels retrain the model (no retraining after the last
        // round); the budget is spent in round 1, so the campaign ends after that retraining.
        rounds: 2,
        retraining: { policy: 'every-round', epochs: 5, maxMinutes: 4 },
      }),
    );
    const calculations = await h.db.query(
      `SELECT d.id, d.calculation, d.status, d.failure_reason, d.reference_element, d.level_of_theory,
              d.total_magnetization_bohr, s.reduced_formula
         FROM dft_calculations d JOIN structures s ON s.id = d.structure_id ORDER BY d.id`,
    );
    console.log('DFT calculations:', JSON.stringify(calculations.rows, null, 1));
    expect(result.stage).toBe('completed');
    expect(result.dftSpent).toBe(1);

    const refs = await h.db.query<{
      element: string;
      kind: string;
      source: string;
      energy_per_atom_ev: number;
    }>(
      'SELECT element, kind, source, energy_per_atom_ev FROM elemental_references WHERE level_of_theory LIKE $1 ORDER BY element',
      ['qe:%'],
    );
    expect(refs.rows.map((r) => [r.element, r.kind])).toEqual([
      ['Mg', 'solid'],
      ['O', 'molecule'],
    ]);
    expect(refs.rows[1]!.source).toMatch(/O2 molecule, bond 1\.208 Å .*10 Å box/);
    const o2 = await h.db.query<{ total_magnetization_bohr: number; calculation: string; status: string }>(
      `SELECT total_magnetization_bohr, calculation, status FROM dft_calculations WHERE reference_element = 'O'`,
    );
    expect(o2.rows[0]).toMatchObject({ calculation: 'relax', status: 'converged' });
    expect(o2.rows[0]!.total_magnetization_bohr).toBeCloseTo(2, 1);

    const candidate = await h.db.query<{
      formation_energy_per_atom_ev: number | null;
      formation_energy_mp2020_ev_per_atom: number | null;
      mp2020_correction: { anion: { element: string } | null; evPerAtom: number } | null;
      stability_note: string | null;
    }>(
      `SELECT formation_energy_per_atom_ev, formation_energy_mp2020_ev_per_atom, mp2020_correction, stability_note
         FROM dft_calculations WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(candidate.rows).toHaveLength(1);
    expect(candidate.rows[0]!.stability_note).toBeNull();
    const c = candidate.rows[0]!;
    expect(c.formation_energy_per_atom_ev).not.toBeNull();
    // The corrected value beside the raw one: an oxide gets O's anion correction, Mg metal none.
    expect(c.formation_energy_mp2020_ev_per_atom).toBeCloseTo(
      c.formation_energy_per_atom_ev! + (c.mp2020_correction?.evPerAtom ?? 0),
      9,
    );

    // Retraining: one new version of the universal committee, fine-tuned from the round's model on
    // the campaign's QE labels (another absolute energy scale than SevenNet-0's MPtrj).
    const trained = await h.db.query<{
      id: string;
      name: string;
      parent_id: string;
      metrics: { frames: number };
    }>(
      `SELECT id::text AS id, name, parent_id::text AS parent_id, metrics FROM model_versions
        WHERE metrics->>'trainedFor' IN (SELECT id::text FROM rounds WHERE campaign_id = $1)`,
      [campaignId],
    );
    expect(trained.rows).toHaveLength(1);
    const version = trained.rows[0]!;
    expect(version.name).toMatch(/^universal-committee-/);
    expect(version.metrics.frames).toBeGreaterThanOrEqual(3);
    const labels = await listTrainingFrames(h.db, campaignId, ['Mg', 'O']);
    const structures = labels.map(structureFromRow);
    const error = async (path: string | undefined) => {
      const model = await MlipModel.load(path!, { executionProviders: 'cpu' });
      try {
        const predictions = await model.predict(structures);
        expect(predictions.every((p) => p.uncertainty !== undefined)).toBe(true);
        return (
          predictions.reduce(
            (t, p, i) => t + Math.abs(p.energyEv - labels[i]!.energy_ev) / structures[i]!.species.length,
            0,
          ) / labels.length
        );
      } finally {
        await model.dispose();
      }
    };
    const before = await error(await modelVersionFilePath(h.db, version.parent_id));
    const after = await error(await modelVersionFilePath(h.db, version.id));
    console.log(
      `universal committee on the campaign's ${labels.length} QE labels: |ΔE| ${before} -> ${after} eV/atom`,
    );
    expect(after).toBeLessThan(0.1 * before);
  }, 900_000);
});
