/**
 * kill -9 of the worker inside database writes, with real processes. Two campaigns share one
 * worker process, and one SIGKILL catches both inside a write: campaign `gen` in generation (the
 * gpu activity waiting in its fourth candidate INSERT) and campaign `dft` while the DFT activity
 * stores its finished attempt (the UPDATE with the pw.x result). The test holds the locks those
 * writes wait on (`blocked-query.ts`), kills the worker's process group, then lets the dead
 * worker's statements go. A new worker takes over after the heartbeat timeout (1 minute; campaign
 * activities heartbeat through `activities/campaign/keep-alive.ts`), once for both.
 *
 * Contract: both campaigns complete; every candidate and every DFT calculation exists exactly once
 * under its idempotency key; the DFT result is kept (the attempt the dead worker stored is read
 * back from its directory, pw.x does not run again).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTemporalHarness,
  waitForSubmittedDft,
  type TemporalHarness,
} from '../helpers/temporal-harness.js';
import { lockHolder, waitForBackendGone, waitForBlockedQuery } from './blocked-query.js';
import { siliconCampaign } from './fixtures.js';
import { seedDftReferences } from './seed-dft-references.js';
import { killWorkerProcess } from './spawn-worker.js';

describe('campaign survives kill -9 of its worker inside database writes', () => {
  let h: TemporalHarness;
  let holder: pg.Client;

  // The workers run as processes (`h.startWorkerProcess`), none in this one.
  beforeAll(async () => {
    h = await startTemporalHarness({ namespace: 'campaign-kill', queues: [] });
    holder = await lockHolder(h.url);
    h.onStop(() => holder.end().catch(() => undefined));
  });

  afterAll(() => h?.stop());

  it('kill -9 in the candidate INSERT and in the DFT result UPDATE: both complete, each row once, result kept', async () => {
    const started = Date.now();
    const mark = (what: string) =>
      console.log(`kill: ${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);
    const dftBudget = { profile: 'test', budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 1 };
    // Different systems: the second campaign's candidates must not be duplicates of the first's.
    const dftCampaign = {
      id: `campaign-kill-dft-${Date.now()}`,
      config: siliconCampaign({ dft: dftBudget }),
    };
    const genCampaign = {
      id: `campaign-kill-gen-${Date.now()}`,
      config: siliconCampaign({ chemistry: { systems: ['Al'] }, dft: dftBudget }),
    };
    for (const c of [dftCampaign, genCampaign]) await seedDftReferences(h.db, c.config);
    const start = (c: typeof dftCampaign) => h.startCampaign(c.id, c.config);

    const first = await h.startWorkerProcess({ dftDelayS: 5 }); // so the row is locked before pw.x ends
    mark('worker ready');
    const dftHandle = await start(dftCampaign);
    const dft = await waitForSubmittedDft(h.db, dftCampaign.id);
    mark('DFT job submitted');
    await holder.query('BEGIN');
    // The DFT result: the worker's UPDATE that stores the finished attempt waits on this row lock.
    await holder.query('SELECT id FROM dft_calculations WHERE id = $1 FOR UPDATE', [dft.id]);
    // Generation: an uncommitted row holds the key of candidate 3, so the worker's INSERT of
    // candidate 3 waits on it (ON CONFLICT must know whether that row commits).
    await holder.query(
      `INSERT INTO structures (content_hash, reduced_formula, chemical_system, n_sites, species,
                               lattice_a, frac_coords, volume_a3, origin, idempotency_key)
       VALUES ('lock', 'Al', 'Al', 1, '{Al}', '[]', '[]', 1, 'user', $1)`,
      [`${genCampaign.id}:r0:gen:3`],
    );
    const genHandle = await start(genCampaign);
    const inInsert = await waitForBlockedQuery(h.db, 'INSERT INTO structures');
    mark('worker waits in the candidate INSERT');
    const inUpdate = await waitForBlockedQuery(h.db, 'UPDATE dft_calculations SET attempts');
    mark('worker waits in the DFT attempt UPDATE');
    const generatedBefore = await h.db.query<{ idempotency_key: string }>(
      `SELECT idempotency_key FROM structures WHERE campaign_id = $1 AND origin = 'generated' ORDER BY id`,
      [genCampaign.id],
    );
    expect(generatedBefore.rows.map((r) => r.idempotency_key)).toEqual(
      [0, 1, 2].map((i) => `${genCampaign.id}:r0:gen:${i}`),
    );

    await killWorkerProcess(first);
    const killedAt = Date.now();
    await holder.query('ROLLBACK'); // the dead worker's statements now go ahead (or fail)
    await waitForBackendGone(h.db, inInsert);
    await waitForBackendGone(h.db, inUpdate);
    const stored = await h.db.query<{ n: number }>(
      'SELECT jsonb_array_length(attempts) AS n FROM dft_calculations WHERE id = $1',
      [dft.id],
    );
    // The dead worker's UPDATE had fully reached the server (Sync included): it committed.
    expect(stored.rows[0]!.n).toBe(1);
    await h.startWorkerProcess();

    const [dftResult, genResult] = await Promise.all([dftHandle.result(), genHandle.result()]);
    mark(`both campaigns done, ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`);
    for (const result of [dftResult, genResult]) {
      expect(result).toMatchObject({ stage: 'completed', dftSpent: 1 });
      expect(result.counts).toMatchObject({ generated: 6, dftConverged: 1, dftFailed: 0 });
    }

    for (const c of [dftCampaign, genCampaign]) {
      const generated = await h.db.query<{ idempotency_key: string }>(
        `SELECT idempotency_key FROM structures WHERE idempotency_key LIKE $1 || ':r0:gen:%'
          ORDER BY idempotency_key`,
        [c.id],
      );
      expect(generated.rows.map((r) => r.idempotency_key)).toEqual(
        [0, 1, 2, 3, 4, 5].map((i) => `${c.id}:r0:gen:${i}`),
      );
      const calcs = await h.db.query<{
        id: string;
        status: string;
        energy_per_atom_ev: number | null;
        attempts: unknown[];
        running_job: unknown;
      }>(
        `SELECT id::text, status, energy_per_atom_ev, attempts, running_job FROM dft_calculations
          WHERE campaign_id = $1`,
        [c.id],
      );
      expect(calcs.rows).toHaveLength(1);
      const calc = calcs.rows[0]!;
      expect(calc).toMatchObject({ status: 'converged', running_job: null });
      expect(calc.energy_per_atom_ev).not.toBeNull(); // the result survived the crash
      expect(calc.attempts).toHaveLength(1); // read back (dft) or run once (gen), never twice
      const round = await h.db.query<{
        summary: { generated: number; dftRun: number; dftConverged: number };
      }>('SELECT summary FROM rounds WHERE campaign_id = $1', [c.id]);
      expect(round.rows).toHaveLength(1);
      expect(round.rows[0]!.summary).toMatchObject({ generated: 6, dftRun: 1, dftConverged: 1 });
    }
    const killed = await h.db.query<{ id: string }>(
      'SELECT id::text FROM dft_calculations WHERE campaign_id = $1',
      [dftCampaign.id],
    );
    expect(killed.rows[0]!.id).toBe(dft.id);
  }, 300_000);
});
