/**
 * Pure helpers of the rediscovery bench (`bench/rediscovery.ts`): where a known phase first turns
 * up in a sequence, how many draws random selection from a pool needs on average, the ranking a
 * campaign would send to DFT, greedy deduplication, and the markdown table.
 *
 * Random baseline: drawing without replacement from a pool of U candidates of which K match, the
 * expected position of the first match is (U + 1) / (K + 1) (the K matches split the U − K others
 * into K + 1 gaps of equal expected size (U − K) / (K + 1); add one for the match itself). The
 * enrichment of an ordering is random / actual: > 1 means the ordering finds the phase sooner than
 * chance, as a discovery acceleration factor (DAF) does.
 */

/** 1-based position of the first `true`, or null when there is none. */
export function firstIndex(flags: readonly boolean[]): number | null {
  const i = flags.indexOf(true);
  return i < 0 ? null : i + 1;
}

/** Expected draws without replacement until the first of `k` matches among `u`; null when k = 0. */
export function expectedRandomDraws(u: number, k: number): number | null {
  if (!Number.isInteger(u) || !Number.isInteger(k) || u < 0 || k < 0 || k > u)
    throw new RangeError(`need integers 0 <= k <= u, got u ${u}, k ${k}`);
  return k === 0 ? null : (u + 1) / (k + 1);
}

/** random / actual, or null when either is unknown. */
export function enrichment(random: number | null, actual: number | null): number | null {
  return random === null || actual === null ? null : random / actual;
}

/** Arithmetic mean of the known values; null when none is known. */
export function meanOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

/** A candidate of the pool as the acquisition sees it. */
export interface RankedCandidate {
  /** Energy above the hull of the pool, eV/atom (0 for a hull vertex). */
  readonly eAboveHullEvPerAtom: number;
  /** Formation energy against the elemental references, eV/atom: breaks ties on the hull. */
  readonly formationEnergyPerAtomEv: number;
}

/**
 * Indices of `candidates` in the order a greedy campaign sends them to DFT: lowest energy above the
 * hull first; hull vertices (all at 0) by formation energy, lowest first; then input order.
 */
export function greedyOrder(candidates: readonly RankedCandidate[]): number[] {
  return candidates
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        a.c.eAboveHullEvPerAtom - b.c.eAboveHullEvPerAtom ||
        a.c.formationEnergyPerAtomEv - b.c.formationEnergyPerAtomEv ||
        a.i - b.i,
    )
    .map(({ i }) => i);
}

/**
 * Greedy deduplication in input order: each item is compared with the representatives kept so far
 * (the first of each group) and joins the first that `same` accepts, else starts a group. Returns
 * the representatives' indices, in input order, and for each item the index of its representative.
 */
export function dedupe<T>(
  items: readonly T[],
  same: (a: T, b: T) => boolean,
): { unique: number[]; representativeOf: number[] } {
  const unique: number[] = [];
  const representativeOf: number[] = [];
  for (const [i, item] of items.entries()) {
    const rep = unique.find((u) => same(items[u]!, item));
    if (rep === undefined) {
      unique.push(i);
      representativeOf.push(i);
    } else representativeOf.push(rep);
  }
  return { unique, representativeOf };
}

/** Chemical-system key: distinct elements, sorted, joined by '-' ('F-Li'). */
export function systemKey(elements: Iterable<string>): string {
  return [...new Set(elements)].sort().join('-');
}

/** Formats a number for the table: fixed digits, '–' for null. */
export function cell(value: number | null, digits = 1): string {
  return value === null ? '–' : Number.isInteger(value) && digits > 0 ? String(value) : value.toFixed(digits);
}

/** A markdown table: header row, separator, rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
