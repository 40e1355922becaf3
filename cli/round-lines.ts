/** The lines `matdisc demo` and a foreground `matdisc campaign start` print for each finished round. */
/** Per round: DFT references, confirmed stable and hit rate, the MLIP's error on the new labels. */
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
    `  round ${index}: DFT confirmed stable ${r.dftConfirmedStable ?? 'n/a'} of ${r.dftRun ?? 0} run (e_above_hull ≤ ${num(r.dftConfirmedMaxEAboveHullEvPerAtom, 3)} eV/atom; hit rate ${num(r.hitRate, 2)}); MLIP on the new labels before retraining: formation energy MAE ${num(r.mlipFormationEnergyMaeMevPerAtom, 1)} meV/atom, force MAE ${num(r.mlipForceMaeEvPerA, 3)} eV/Å`,
    ...refs,
    ...[r.predictedStableNote, r.duplicatesNote, r.dftStabilityNote, r.dftLevelNote, r.mlipErrorNote]
      .filter((n) => typeof n === 'string')
      .map((n) => `    note: ${String(n)}`),
  ];
}
