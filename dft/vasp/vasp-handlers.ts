/**
 * What to try after a failed VASP attempt. Each rule changes one thing, says why, and is bounded,
 * so a hopeless structure ends in 'give up' after a few attempts.
 *
 * Electronic non-convergence ('scf_not_converged') climbs custodian's ladder
 * (`NonConvergingErrorHandler` in materialsproject/custodian, custodian/vasp/handlers.py), one rung
 * per attempt, from the rung the parameters are on:
 *   1. ALGO VeryFast/Fast → Normal (blocked Davidson only, no RMM-DIIS);
 *   2. ALGO Normal → All (conjugate-gradient minimisation of all bands at once);
 *   3. ALGO All → Normal with linear mixing AMIX 0.1, BMIX 0.01 (a smaller, gentler density step;
 *      custodian keeps ALGO All here, but All minimises directly and ignores the density mixer);
 *   4. AMIN 0.01, BMIX 3.0 (custodian's last rung);
 *   5. give up.
 * A relaxation restarts from its last geometry (the structure of its last ionic step).
 *
 * Ionic non-convergence ('ionic_not_converged', NSW steps used up) restarts from the last geometry:
 * first with the same parameters, then with the other optimiser (IBRION 2 ↔ 1; RMM-DIIS
 * quasi-Newton is efficient near a minimum, conjugate gradient far from it), then gives up.
 * A wall-time kill of a relaxation that got somewhere counts as the same kind of restart.
 *
 * Crashes, kills and input errors are not retried here: a crash is recorded with its reason.
 */
import type { AttemptChange, HandlerContext, HandlerDecision, ParameterChange } from '../engine.js';
import type { IncarValue, VaspParams } from './vasp-params.js';

/** Restarts from the last geometry allowed per calculation (ionic non-convergence and timeouts together). */
export const MAX_GEOMETRY_RESTARTS = 2;

const retry = (
  context: HandlerContext<VaspParams>,
  handler: string,
  reason: string,
  params: VaspParams,
  parameters: ParameterChange[],
): HandlerDecision<VaspParams> => {
  const last = context.result?.finalStructure;
  const restart = context.attempt.params.calculation !== 'scf' && last !== undefined;
  const change: AttemptChange = {
    handler,
    reason,
    parameters,
    ...(restart ? { restartedFromAttempt: context.attempt.index } : {}),
  };
  return { action: 'retry', params, structure: restart ? last : context.structure, change };
};

function withIncar(
  params: VaspParams,
  tags: Record<string, IncarValue | undefined>,
): { params: VaspParams; changes: ParameterChange[] } {
  const incar: Record<string, IncarValue> = { ...params.incar };
  const changes: ParameterChange[] = [];
  for (const [tag, value] of Object.entries(tags)) {
    changes.push({ name: `incar.${tag}`, from: params.incar[tag] ?? null, to: value ?? null });
    if (value === undefined) delete incar[tag];
    else incar[tag] = value;
  }
  return { params: { ...params, incar }, changes };
}

/** Electronic ladder: the next rung from `params`, or null at the top. */
export function nextElectronicRung(
  params: VaspParams,
): { params: VaspParams; changes: ParameterChange[]; what: string } | null {
  const algo = (to: VaspParams['algo']): ParameterChange => ({ name: 'algo', from: params.algo, to });
  if (params.algo === 'VeryFast' || params.algo === 'Fast') {
    return {
      params: { ...params, algo: 'Normal' },
      changes: [algo('Normal')],
      what: 'ALGO Normal (Davidson only)',
    };
  }
  if (params.algo === 'Normal' && params.incar.AMIX === undefined) {
    return {
      params: { ...params, algo: 'All' },
      changes: [algo('All')],
      what: 'ALGO All (conjugate gradient)',
    };
  }
  if (params.algo === 'All' || params.algo === 'Damped') {
    const mixed = withIncar({ ...params, algo: 'Normal' }, { AMIX: 0.1, BMIX: 0.01 });
    return {
      params: mixed.params,
      changes: [algo('Normal'), ...mixed.changes],
      what: 'ALGO Normal with linear mixing AMIX 0.1, BMIX 0.01',
    };
  }
  if (params.incar.AMIN === undefined) {
    const mixed = withIncar(params, { AMIN: 0.01, BMIX: 3.0 });
    return { ...mixed, what: 'AMIN 0.01, BMIX 3.0' };
  }
  return null;
}

/** Restarts from the last geometry so far in `history`. */
function geometryRestarts(context: HandlerContext<VaspParams>): number {
  return context.history.filter(
    (a) => a.change?.handler === 'handleIonicNotConverged' || a.change?.handler === 'handleTimeout',
  ).length;
}

export function handleVaspFailure(context: HandlerContext<VaspParams>): HandlerDecision<VaspParams> {
  const { attempt } = context;
  const params = attempt.params;
  switch (attempt.outcome) {
    case 'scf_not_converged': {
      const rung = nextElectronicRung(params);
      if (!rung) {
        return {
          action: 'give_up',
          reason: `SCF did not converge with any rung of the electronic ladder (last: ALGO ${params.algo}, ${JSON.stringify(params.incar)})`,
        };
      }
      return retry(
        context,
        'handleScfNotConverged',
        `${attempt.reason}: try ${rung.what}`,
        rung.params,
        rung.changes,
      );
    }
    case 'ionic_not_converged':
    case 'timeout': {
      const handler = attempt.outcome === 'timeout' ? 'handleTimeout' : 'handleIonicNotConverged';
      if (params.calculation === 'scf' || !context.result?.finalStructure) {
        return { action: 'give_up', reason: `${attempt.reason}; no geometry to restart from` };
      }
      const done = geometryRestarts(context);
      if (done >= MAX_GEOMETRY_RESTARTS) {
        return {
          action: 'give_up',
          reason: `${attempt.reason}; already restarted from the last geometry ${done} times`,
        };
      }
      if (done === 0 || attempt.outcome === 'timeout') {
        return retry(context, handler, `${attempt.reason}: continue from the last geometry`, params, []);
      }
      const ibrion = params.ibrion === 1 ? 2 : 1;
      return retry(
        context,
        handler,
        `${attempt.reason}: continue from the last geometry with IBRION ${ibrion}`,
        { ...params, ibrion },
        [{ name: 'ibrion', from: params.ibrion, to: ibrion }],
      );
    }
    case 'crashed':
    case 'killed':
    case 'input_error':
      return { action: 'give_up', reason: attempt.reason };
    case 'converged':
      return { action: 'give_up', reason: 'the attempt converged: nothing to handle' };
  }
}
