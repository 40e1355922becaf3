/**
 * Error handlers for pw.x, in the style of aiida-quantumespresso's `PwBaseWorkChain`
 * (`@process_handler` methods): each looks at a failed attempt and either proposes the next one,
 * with every parameter change recorded, or passes. `handleQeFailure` tries them in order; an
 * outcome no handler takes gives up with the attempt's reason.
 *
 * | outcome | handler | next attempt |
 * |---|---|---|
 * | scf_not_converged | handleScfNotConverged | mixing_beta × 0.5 (floor 0.1) and electron_maxstep + 100; on the next failure diagonalization david → cg; then beta again; at the floor with cg: give up |
 * | crashed in the diagonalization (cdiaghg/rdiaghg, "S matrix not positive definite") | handleDiagonalizationError | diagonalization david → cg |
 * | ionic_not_converged (nstep reached, BFGS failure) | handleIonicNotConverged | same parameters, restarted from the last geometry |
 * | crashed, killed | handleCrashOrKill | plain retry |
 * | timeout | — | give up: the same run would time out again |
 * | input_error | — | never reaches the handlers: runCalculation throws EngineInputError |
 *
 * Relaxations also restart from their last geometry after an SCF failure, as AiiDA does.
 */
import type { Structure } from '../../crystal/structure.js';
import type { AttemptChange, HandlerContext, HandlerDecision, ParameterChange } from '../engine.js';
import type { QeProfile } from './profiles.js';

/** Lowest mixing_beta the SCF handler goes to. */
export const MIXING_BETA_FLOOR = 0.1;
/** Factor applied to mixing_beta per SCF failure. */
export const MIXING_BETA_FACTOR = 0.5;
/** Added to electron_maxstep when mixing_beta is reduced. */
export const ELECTRON_MAXSTEP_INCREMENT = 100;

type Context = HandlerContext<QeProfile>;
type Decision = HandlerDecision<QeProfile>;
export type QeHandler = (context: Context) => Decision | null;

function retry(
  context: Context,
  handler: string,
  reason: string,
  changes: Partial<QeProfile>,
  options: { readonly restartFromLastGeometry?: boolean } = {},
): Decision {
  const params = context.attempt.params;
  const parameters: ParameterChange[] = Object.entries(changes).map(([name, to]) => ({
    name,
    from: params[name as keyof QeProfile],
    to,
  }));
  let structure: Structure = context.structure;
  let restartedFromAttempt: number | undefined;
  const last = context.result?.finalStructure;
  if (options.restartFromLastGeometry && params.calculation !== 'scf' && last) {
    structure = last;
    restartedFromAttempt = context.attempt.index;
  }
  const change: AttemptChange = {
    handler,
    reason,
    parameters,
    ...(restartedFromAttempt !== undefined ? { restartedFromAttempt } : {}),
  };
  return { action: 'retry', params: Object.freeze({ ...params, ...changes }), structure, change };
}

/** SCF not converged: lower mixing_beta (and allow more steps), then switch to cg. */
export const handleScfNotConverged: QeHandler = (context) => {
  const { attempt, history } = context;
  if (attempt.outcome !== 'scf_not_converged') return null;
  const p = attempt.params;
  const earlier = history.filter((a) => a.change?.handler === 'handleScfNotConverged');
  const lastWasBeta = earlier.at(-1)?.change?.parameters.some((c) => c.name === 'mixingBeta') ?? false;
  const canLowerBeta = p.mixingBeta > MIXING_BETA_FLOOR + 1e-12;
  const switchToCg = p.diagonalization === 'david' && (lastWasBeta || !canLowerBeta);
  const why = `${attempt.reason}`;
  if (switchToCg) {
    return retry(
      context,
      'handleScfNotConverged',
      `${why}: switch diagonalization david -> cg`,
      { diagonalization: 'cg' },
      { restartFromLastGeometry: true },
    );
  }
  if (canLowerBeta) {
    const mixingBeta = Math.max(
      MIXING_BETA_FLOOR,
      Number((p.mixingBeta * MIXING_BETA_FACTOR).toPrecision(6)),
    );
    const electronMaxstep = p.electronMaxstep + ELECTRON_MAXSTEP_INCREMENT;
    return retry(
      context,
      'handleScfNotConverged',
      `${why}: mixing_beta ${p.mixingBeta} -> ${mixingBeta}, electron_maxstep ${p.electronMaxstep} -> ${electronMaxstep}`,
      { mixingBeta, electronMaxstep },
      { restartFromLastGeometry: true },
    );
  }
  return {
    action: 'give_up',
    reason: `${why}; mixing_beta is at its floor ${MIXING_BETA_FLOOR} and diagonalization is already '${p.diagonalization}'`,
  };
};

const DIAGONALIZATION_FAILURE =
  /cdiaghg|rdiaghg|cegterg|regterg|S matrix not positive definite|problems computing cholesky/i;

/** A crash inside Davidson: retry with conjugate gradients. */
export const handleDiagonalizationError: QeHandler = (context) => {
  const { attempt } = context;
  if (attempt.outcome !== 'crashed' || !DIAGONALIZATION_FAILURE.test(attempt.reason)) return null;
  if (attempt.params.diagonalization !== 'david') return null;
  return retry(
    context,
    'handleDiagonalizationError',
    `${attempt.reason}: switch diagonalization david -> cg`,
    {
      diagonalization: 'cg',
    },
  );
};

/** Relaxation out of steps or BFGS failed: continue from the last geometry. */
export const handleIonicNotConverged: QeHandler = (context) => {
  const { attempt, result } = context;
  if (attempt.outcome !== 'ionic_not_converged') return null;
  if (!result?.finalStructure) {
    return { action: 'give_up', reason: `${attempt.reason}; no geometry was printed to restart from` };
  }
  return retry(
    context,
    'handleIonicNotConverged',
    `${attempt.reason}: restart from the last geometry`,
    {},
    { restartFromLastGeometry: true },
  );
};

/** Crashed or killed without a usable result: run the same input again. */
export const handleCrashOrKill: QeHandler = (context) => {
  const { attempt } = context;
  if (attempt.outcome !== 'crashed' && attempt.outcome !== 'killed') return null;
  return retry(context, 'handleCrashOrKill', `${attempt.reason}: plain retry`, {});
};

/** The handlers, in the order they are tried. */
export const QE_HANDLERS: readonly QeHandler[] = [
  handleScfNotConverged,
  handleDiagonalizationError,
  handleIonicNotConverged,
  handleCrashOrKill,
];

/** The first handler's decision, or give up with the attempt's reason. */
export function handleQeFailure(context: Context): Decision {
  for (const handler of QE_HANDLERS) {
    const decision = handler(context);
    if (decision) return decision;
  }
  return {
    action: 'give_up',
    reason: `${context.attempt.outcome}: ${context.attempt.reason} (no handler retries this)`,
  };
}
