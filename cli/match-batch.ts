/**
 * The batch forms of `matdisc match` (`--pairs FILE`, `--all A... [--against B...]`): many pairs
 * in one process, because each process start costs 1-4 s (330 pairs one per process took 553 s).
 * Each file is read and checked once however many pairs name it. A pair whose file cannot be read
 * or is not a valid structure, or that the matcher refuses, gets the error as its `reason` with
 * `match: false`, and the batch goes on; the exit code is then 1.
 */
import { resolve } from 'node:path';
import type { StructureMatcher } from '../crystal/matcher/index.js';
import type { Structure } from '../crystal/structure.js';
import { comparePair, type PairVerdict } from './match-pair.js';

/** Two structure files to compare. */
export interface FilePair {
  readonly a: string;
  readonly b: string;
}

/** One row of `match --json` in a batch. */
export interface PairRow extends FilePair, PairVerdict {}

/** A row and whether it is an error (a pair not compared) rather than a verdict. */
export interface PairOutcome {
  readonly row: PairRow;
  readonly failed: boolean;
}

/** Reads one structure file and refuses it when it is not a usable structure. */
export type StructureLoader = (file: string) => Promise<Structure>;

/** Every unordered pair of `files`, in order: (1,2), (1,3), …, (2,3), … */
export function pairsAmong(files: readonly string[]): FilePair[] {
  return files.flatMap((a, i) => files.slice(i + 1).map((b) => ({ a, b })));
}

/** Every file of `as` against every file of `bs`. */
export function pairsAcross(as: readonly string[], bs: readonly string[]): FilePair[] {
  return as.flatMap((a) => bs.map((b) => ({ a, b })));
}

/**
 * Compares every pair in order, loading each file once (by resolved path); `onOutcome` sees each
 * outcome as soon as it is known, so a long batch shows progress.
 */
export async function compareBatch(
  pairs: readonly FilePair[],
  matcher: StructureMatcher,
  load: StructureLoader,
  onOutcome: (outcome: PairOutcome) => void = () => {},
): Promise<PairOutcome[]> {
  const loaded = new Map<string, { structure: Structure } | { error: unknown }>();
  const structureOf = async (file: string): Promise<Structure> => {
    const key = resolve(file);
    let entry = loaded.get(key);
    if (!entry) {
      entry = await load(file).then(
        (structure) => ({ structure }),
        (error: unknown) => ({ error }),
      );
      loaded.set(key, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.structure;
  };
  const outcomes: PairOutcome[] = [];
  for (const { a, b } of pairs) {
    let outcome: PairOutcome;
    try {
      const [sa, sb] = [await structureOf(a), await structureOf(b)];
      const verdict = comparePair(matcher, { file: a, structure: sa }, { file: b, structure: sb });
      outcome = { row: { a, b, ...verdict }, failed: false };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      outcome = { row: { a, b, match: false, rms: null, reason }, failed: true };
    }
    onOutcome(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

/** The human line of one outcome: `a  b  match (rms 0.0123)`, `… no match: <reason>` or `… error: <reason>`. */
export function outcomeLine({ row, failed }: PairOutcome): string {
  const verdict = failed
    ? `error: ${row.reason}`
    : row.match
      ? `match (rms ${row.rms?.toFixed(4)})`
      : `no match${row.reason ? `: ${row.reason}` : ''}`;
  return `${row.a}  ${row.b}  ${verdict}`;
}
