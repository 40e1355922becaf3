/**
 * Activities of the walking skeleton (`workflows/hello.ts`). Thin over `db/` and `activities/dft/`:
 * each one is idempotent, so a retry after a crash re-reads what the first try stored.
 */
import { Context } from '@temporalio/activity';
import { join } from 'node:path';
import { Structure } from '../crystal/structure.js';
import type { Database } from '../db/database.js';
import { insertOnce } from '../db/idempotent-insert.js';
import { structureRow } from '../db/structure-row.js';
import type { DftRunner } from './dft-runner.js';

export interface HelloDependencies {
  readonly db: Database;
  readonly dft: DftRunner;
  /** Root of per-calculation working directories. */
  readonly workRoot: string;
}

export interface RunSiliconScfResult {
  readonly dftCalculationId: string;
  readonly status: 'converged' | 'failed';
}

/** Diamond Si in its 2-atom primitive cell, a = 5.43 Å (the reference run in shared/data). */
export function siliconPrimitive(a = 5.43): Structure {
  const h = a / 2;
  return Structure.create(
    [
      [0, h, h],
      [h, 0, h],
      [h, h, 0],
    ],
    ['Si', 'Si'],
    [
      [0, 0, 0],
      [0.25, 0.25, 0.25],
    ],
  );
}

export function createHelloActivities(deps: HelloDependencies) {
  const { db } = deps;
  return {
    async recordHelloCampaign(input: { campaignId: string }): Promise<void> {
      await db.query(
        `INSERT INTO campaigns (id, kind, name, status) VALUES ($1, 'hello', 'walking skeleton', 'running')
         ON CONFLICT (id) DO NOTHING`,
        [input.campaignId],
      );
      await insertOnce(
        db,
        'events',
        { campaign_id: input.campaignId, kind: 'campaign_started', activity: 'recordHelloCampaign' },
        `${input.campaignId}:recordHelloCampaign`,
      );
    },

    async runSiliconScf(input: { campaignId: string }): Promise<RunSiliconScfResult> {
      const key = `${input.campaignId}:runSiliconScf:si-primitive`;
      const done = await db.query<{ id: string; status: string }>(
        `SELECT id::text AS id, status FROM dft_calculations WHERE idempotency_key = $1 AND status IN ('converged', 'failed')`,
        [key],
      );
      if (done.rows[0])
        return { dftCalculationId: done.rows[0].id, status: done.rows[0].status as 'converged' | 'failed' };

      const structure = siliconPrimitive();
      const ctx = Context.current();
      const structureRecord = await insertOnce(
        db,
        'structures',
        structureRow(structure, 'user', { campaign_id: input.campaignId }),
        `${input.campaignId}:structure:si-primitive`,
      );
      const outcome = await deps.dft.run({
        structure,
        profileName: 'test',
        calculation: 'scf',
        workDir: join(deps.workRoot, input.campaignId, 'si-primitive', `try-${ctx.info.attempt}`),
        signal: ctx.cancellationSignal,
        onProgress: (progress) => ctx.heartbeat(progress),
      });
      const row = await insertOnce(
        db,
        'dft_calculations',
        {
          structure_id: structureRecord.id,
          campaign_id: input.campaignId,
          engine: 'qe',
          calculation: 'scf',
          profile_name: 'test',
          profile: outcome.profile,
          level_of_theory: outcome.levelOfTheory,
          status: outcome.status,
          failure_reason: outcome.reason ?? null,
          energy_ev: outcome.result?.energyEv ?? null,
          energy_per_atom_ev: outcome.result?.energyPerAtomEv ?? null,
          forces_ev_per_a: outcome.result?.forcesEvPerA ?? null,
          stress_ev_per_a3: outcome.result?.stressEvPerA3 ?? null,
          scf_converged: outcome.result?.scfConverged ?? false,
          wall_s: outcome.wallS,
          attempts: outcome.attempts,
          work_dir: outcome.workDir,
        },
        key,
      );
      return { dftCalculationId: row.id, status: outcome.status };
    },

    async completeHelloCampaign(input: { campaignId: string; dftCalculationId: string }): Promise<void> {
      await db.query(
        `UPDATE campaigns SET status = 'completed', result = $2, updated_at = now() WHERE id = $1`,
        [input.campaignId, JSON.stringify({ dftCalculationId: input.dftCalculationId })],
      );
    },
  };
}

export type HelloActivities = ReturnType<typeof createHelloActivities>;
