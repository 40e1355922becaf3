/**
 * `relaxAndScore` (gpu): relaxes the round's generated structures with the round's MLIP in one
 * batch (FIRE + cell filter), stores each relaxed structure (origin 'relaxed', parent = the
 * generated one) and a `predictions` row on it with the committee's uncertainty. Heartbeats every
 * few steps; keys `<campaign>:r<k>:relax:<generated id>` make a retry re-read.
 *
 * A relaxation can end in a cell no DFT code would take (an MLIP outside its data collapsed an
 * oxygen crystal to 0.59 Å³/atom in a real run): such a cell fails the input limits every entry
 * point shares (`crystal/assert-valid-structure.ts`), is not stored, and never reaches the hull or
 * DFT; the result counts it.
 */
import { Context } from '@temporalio/activity';
import { STRUCTURE_INPUT_LIMITS } from '../../crystal/assert-valid-structure.js';
import { checkValidity } from '../../crystal/validity.js';
import { fingerprintSql } from '../../db/fingerprint-sql.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { relaxationCountsOfRound } from '../../db/predictions.js';
import { structureFromRow, structureRow } from '../../db/structure-row.js';
import { generatedStructuresToRelax } from '../../db/structures.js';
import { MlipModel } from '../../models/mlip/index.js';
import { StopReason, relaxSteps } from '../../models/relax/index.js';
import {
  campaignConfig,
  modelFile,
  roundRow,
  setStage,
  type CampaignActivityDependencies,
  type RoundRef,
} from './campaign-context.js';

export interface RelaxAndScoreResult {
  readonly relaxed: number;
  readonly converged: number;
  /** Relaxations of this call that ended in an invalid cell or stopped on a collapsing one (left out: the MLIP's energy there is meaningless). */
  readonly invalidAfterRelax: number;
}

export function createRelaxAndScore(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function relaxAndScore(input: RoundRef): Promise<RelaxAndScoreResult> {
    const config = await campaignConfig(db, input.campaignId);
    const { roundIndex, mlipVersionId } = await roundRow(db, input.roundId);
    await setStage(db, input.roundId, 'relax');
    const todo = await generatedStructuresToRelax(
      db,
      input.roundId,
      `${input.campaignId}:r${roundIndex}:relax:`,
    );
    let { relaxed, converged } = await relaxationCountsOfRound(db, input.roundId);
    let invalidAfterRelax = 0;
    if (todo.length === 0) return { relaxed, converged, invalidAfterRelax };
    const ctx = Context.current();
    const model = await MlipModel.load(await modelFile(db, mlipVersionId));
    try {
      const steps = relaxSteps(model, todo.map(structureFromRow), {
        fmax: config.relax.fmax,
        steps: config.relax.steps,
        signal: ctx.cancellationSignal,
      });
      let next = await steps.next();
      while (!next.done) {
        if (next.value.step % 10 === 0) ctx.heartbeat(next.value);
        next = await steps.next();
      }
      for (const [i, r] of next.value.entries()) {
        const parent = todo[i]!;
        if (
          r.stopReason === StopReason.unphysical ||
          !checkValidity(r.structure, STRUCTURE_INPUT_LIMITS).valid
        ) {
          invalidAfterRelax += 1;
          continue;
        }
        const key = `${input.campaignId}:r${roundIndex}:relax:${parent.id}`;
        const s = await insertOnce(
          db,
          'structures',
          structureRow(r.structure, 'relaxed', {
            campaign_id: input.campaignId,
            round_id: input.roundId,
            parent_id: parent.id,
            fingerprint: fingerprintSql(r.structure),
          }),
          key,
        );
        const p = r.final;
        const maxForce = Math.max(0, ...p.forcesEvPerA.map((f) => Math.hypot(f[0], f[1], f[2])));
        await insertOnce(
          db,
          'predictions',
          {
            structure_id: s.id,
            relaxed_structure_id: s.id,
            model_version_id: mlipVersionId,
            energy_ev: r.energyEv,
            energy_per_atom_ev: r.energyPerAtomEv,
            max_force_ev_per_a: maxForce,
            energy_std_ev_per_atom: p.uncertainty?.energyStdEvPerAtom ?? null,
            max_force_dev_ev_per_a: p.uncertainty?.maxForceDevEvPerA ?? null,
            relax_converged: r.converged,
            relax_steps: r.nSteps,
          },
          `${key}:prediction`,
        );
        relaxed += 1;
        if (r.converged) converged += 1;
      }
    } finally {
      await model.dispose();
    }
    return { relaxed, converged, invalidAfterRelax };
  };
}
