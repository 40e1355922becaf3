import { describe, expect, it } from 'vitest';
import type { Attempt, AttemptChange, AttemptOutcome, DftResult } from '../../dft/engine.js';
import { handleQeFailure } from '../../dft/qe/qe-handlers.js';
import { QeProfile } from '../../dft/qe/profiles.js';
import { siliconDiamond } from './helpers.js';

const si = siliconDiamond(5.43);

function attempt(
  index: number,
  outcome: AttemptOutcome,
  params: QeProfile,
  change: AttemptChange | null = null,
  reason: string = outcome,
): Attempt<QeProfile> {
  return {
    index,
    directory: `/w/attempt-${index}`,
    params,
    resolved: {},
    change,
    outcome,
    reason,
    wallS: 1,
    exitCode: 1,
    signal: null,
  };
}

/** Runs the handler after each failure in turn, feeding its decision into the next attempt. */
function chain(outcome: AttemptOutcome, first: QeProfile, failures: number) {
  const history: Attempt<QeProfile>[] = [attempt(0, outcome, first)];
  const decisions = [];
  for (let i = 0; i < failures; i++) {
    const decision = handleQeFailure({ attempt: history.at(-1)!, history, result: null, structure: si });
    decisions.push(decision);
    if (decision.action !== 'retry') break;
    history.push(attempt(i + 1, outcome, decision.params, decision.change));
  }
  return decisions;
}

describe('QE error handlers', () => {
  it('SCF not converged: halve mixing_beta and add 100 steps, then david -> cg, then beta again, then give up', () => {
    const decisions = chain(
      'scf_not_converged',
      QeProfile.named('test', { mixingBeta: 0.4, electronMaxstep: 50 }),
      6,
    );
    const changes = decisions.map((d) => (d.action === 'retry' ? d.change.parameters : d.reason));
    expect(changes[0]).toEqual([
      { name: 'mixingBeta', from: 0.4, to: 0.2 },
      { name: 'electronMaxstep', from: 50, to: 150 },
    ]);
    expect(changes[1]).toEqual([{ name: 'diagonalization', from: 'david', to: 'cg' }]);
    expect(changes[2]).toEqual([
      { name: 'mixingBeta', from: 0.2, to: 0.1 },
      { name: 'electronMaxstep', from: 150, to: 250 },
    ]);
    expect(decisions[3]).toMatchObject({ action: 'give_up' });
    expect(changes[3]).toMatch(/floor 0.1.*'cg'/);
    expect(decisions[0]).toMatchObject({ change: { handler: 'handleScfNotConverged' } });
  });

  it('SCF not converged with mixing_beta already at the floor switches to cg first', () => {
    const [d] = chain('scf_not_converged', QeProfile.named('test', { mixingBeta: 0.1 }), 1);
    expect(d).toMatchObject({ action: 'retry', params: { diagonalization: 'cg', mixingBeta: 0.1 } });
  });

  it('relaxation out of steps restarts from the last geometry with the same parameters', () => {
    const params = QeProfile.named('test', { calculation: 'vc-relax' });
    const last = siliconDiamond(5.45);
    const result = { finalStructure: last } as DftResult;
    const failed = attempt(
      0,
      'ionic_not_converged',
      params,
      null,
      'relaxation not converged: nstep 50 reached',
    );
    const d = handleQeFailure({ attempt: failed, history: [failed], result, structure: si });
    expect(d).toMatchObject({
      action: 'retry',
      params,
      structure: last,
      change: { handler: 'handleIonicNotConverged', parameters: [], restartedFromAttempt: 0 },
    });
  });

  it('a relaxation with no printed geometry gives up', () => {
    const failed = attempt(0, 'ionic_not_converged', QeProfile.named('test', { calculation: 'relax' }));
    expect(
      handleQeFailure({ attempt: failed, history: [failed], result: null, structure: si }),
    ).toMatchObject({ action: 'give_up' });
  });

  it('crashed or killed: plain retry, nothing changed', () => {
    for (const outcome of ['crashed', 'killed'] as const) {
      const failed = attempt(0, outcome, QeProfile.named('test'));
      const d = handleQeFailure({ attempt: failed, history: [failed], result: null, structure: si });
      expect(d).toMatchObject({
        action: 'retry',
        params: failed.params,
        structure: si,
        change: { handler: 'handleCrashOrKill', parameters: [] },
      });
    }
  });

  it('a crash in the Davidson diagonalization switches to cg', () => {
    const failed = attempt(
      0,
      'crashed',
      QeProfile.named('test'),
      null,
      'pw.x error in cdiaghg: S matrix not positive definite',
    );
    const d = handleQeFailure({ attempt: failed, history: [failed], result: null, structure: si });
    expect(d).toMatchObject({
      action: 'retry',
      change: {
        handler: 'handleDiagonalizationError',
        parameters: [{ name: 'diagonalization', from: 'david', to: 'cg' }],
      },
    });
  });

  it('a timeout is not retried', () => {
    const failed = attempt(
      0,
      'timeout',
      QeProfile.named('test'),
      null,
      'killed after the wall-time limit (600 s)',
    );
    expect(
      handleQeFailure({ attempt: failed, history: [failed], result: null, structure: si }),
    ).toMatchObject({
      action: 'give_up',
      reason: expect.stringMatching(/wall-time limit/),
    });
  });
});
