/**
 * How rounds read for people. Everything a person reads numbers rounds from 1: these lines, `campaign
 * status` (also `--watch`), the foreground `campaign start`, `demo` and the report. Machines keep the
 * stored index, which counts from 0: `rounds.round_index` in the database and the views, and `round`
 * / `round_index` in `--json` documents.
 */

/** The number people read for a stored (0-based) round index. */
export function roundNumber(roundIndex: number): number {
  return roundIndex + 1;
}

/** The workflow's state as far as where it is goes (CampaignStateSummary). */
export interface CampaignPosition {
  /** Index of the running round; once a round's summary is recorded, the number of rounds done. */
  readonly round: number;
  readonly stage: string;
  readonly roundsCompleted?: number;
}

/**
 * "round 2 dft", "round 1 retrain" (retraining after round 1), "completed after 2 rounds". The
 * workflow counts a round as done before it retrains, so `retrain` belongs to round `round`.
 */
export function campaignPosition(s: CampaignPosition): string {
  if (s.stage === 'completed' || s.stage === 'stopped') {
    const n = s.roundsCompleted ?? s.round;
    return `${s.stage} after ${n} round${n === 1 ? '' : 's'}`;
  }
  return roundStage(s.stage === 'retrain' ? s.round - 1 : s.round, s.stage);
}

/** "round 2 dft" for a stored (0-based) round index and the stage of that round. */
export function roundStage(roundIndex: number, stage: string): string {
  return `round ${roundNumber(roundIndex)} ${stage}`;
}

/** The lines `matdisc demo` and a foreground `matdisc campaign start` print for each finished round. */
/** Per round (`index`: the stored, 0-based round index): DFT references, confirmed stable and hit rate, the MLIP's error on the new labels. */
export function roundLines(index: number, r: Record<string, unknown>): string[] {
  const num = (x: unknown, digits: number) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
  const refs = Object.entries((r.dftReferences ?? {}) as Record<string, Record<string, unknown>>).map(
    ([level, byElement]) =>
      `    DFT references at ${level}: ${Object.entries(byElement)
        .map(
          ([el, mu]) =>
            `${el} ${typeof mu === 'number' ? `${mu.toFixed(4)} eV/atom` : `none (${String(mu)})`}`,
        )
        .join(', ')}`,
  );
  return [
    `  round ${roundNumber(index)}: DFT confirmed stable ${r.dftConfirmedStable ?? 'n/a'} of ${r.dftRun ?? 0} run (e_above_hull ≤ ${num(r.dftConfirmedMaxEAboveHullEvPerAtom, 3)} eV/atom; hit rate ${num(r.hitRate, 2)}); MLIP on the new labels before retraining: formation energy MAE ${num(r.mlipFormationEnergyMaeMevPerAtom, 1)} meV/atom, force MAE ${num(r.mlipForceMaeEvPerA, 3)} eV/Å`,
    ...refs,
    ...[r.predictedStableNote, r.duplicatesNote, r.dftStabilityNote, r.dftLevelNote, r.mlipErrorNote]
      .filter((n) => typeof n === 'string')
      .map((n) => `    note: ${String(n)}`),
  ];
}
