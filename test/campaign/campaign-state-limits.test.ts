/**
 * Limits of a running campaign's state (`workflows/campaign-state.ts`), as plain code: the
 * setBudget validator refuses budgets above the configuration's limit (1e300 was accepted), and a
 * campaign whose rounds select nothing for DFT stops after `stop.noDftRounds` of them instead of
 * spinning through all its rounds.
 */
import { describe, expect, it } from 'vitest';
import { CampaignState } from '../../workflows/campaign-state.js';
import { siliconCampaign } from './fixtures.js';

describe('campaign state limits', () => {
  const state = (overrides: Parameters<typeof siliconCampaign>[0] = {}) =>
    new CampaignState('c', siliconCampaign({ rounds: 10, ...overrides }));

  it.each([1e300, 100_001, 1.5, 0, -3, Number.NaN])('setBudget %s is refused with the limit', (b) => {
    expect(() => state().validateBudget({ dftBudgetTotal: b })).toThrow(
      /^dftBudgetTotal: expected a whole number from 1 to 100000, got /,
    );
  });

  it('setBudget at the limit and above what is spent is accepted', () => {
    const s = state();
    s.dftSpent = 5;
    expect(() => s.validateBudget({ dftBudgetTotal: 100_000 })).not.toThrow();
    expect(() => s.validateBudget({ dftBudgetTotal: 4 })).toThrow(
      /below the 5 DFT calculations already spent/,
    );
  });

  it('stops after stop.noDftRounds rounds in a row with nothing selectable for DFT, and says why', () => {
    const s = state();
    expect(s.recordSelection(0)).toBeNull();
    s.round += 1;
    expect(s.recordSelection(2)).toBeNull(); // a round with DFT resets the count
    s.round += 1;
    expect(s.recordSelection(0)).toBeNull();
    s.round += 1;
    expect(s.recordSelection(0)).toBeNull();
    s.round += 1;
    expect(s.recordSelection(0)).toMatch(
      /^no candidate could be selected for DFT in 3 consecutive rounds \(stop\.noDftRounds: 3\); widen stability\.maxEAboveHullEvPerAtom/,
    );
    expect(s.carried().roundsWithoutDft).toBe(3);
  });

  it('no early stop when disabled, nor in the last round (the campaign ends anyway)', () => {
    const never = state({ stop: { noNewStableRounds: 0, noDftRounds: 0 } });
    for (let r = 0; r < 9; r++, never.round++) expect(never.recordSelection(0)).toBeNull();
    const short = state({ rounds: 3 });
    for (let r = 0; r < 3; r++, short.round++) expect(short.recordSelection(0)).toBeNull();
  });

  it('a run carried from before the counter existed starts it at 0', () => {
    const s = new CampaignState('c', siliconCampaign({ rounds: 10 }), {
      nextRound: 2,
      mlipVersionId: '1',
      dftBudgetTotal: 4,
      dftSpent: 2,
      roundsWithoutNewStable: 0,
      paused: false,
      counts: { generated: 3, unique: 2, predictedStable: 1, dftConverged: 1, dftFailed: 0 } as never,
    });
    expect(s.roundsWithoutDft).toBe(0);
    expect(s.summary().counts).toEqual({
      generated: 3,
      unique: 2,
      duplicatesOfOtherCampaigns: 0,
      predictedStable: 1,
      dftConverged: 1,
      dftFailed: 0,
    });
  });
});
