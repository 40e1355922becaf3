/**
 * Errors of the structure matcher. Matching itself never fails (no match is `false`/null); what
 * it refuses is work it cannot finish in reasonable time.
 */

/**
 * Raised by `StructureMatcher.fit`/`rmsDist` instead of searching for minutes: a structure has
 * more than `maxSites` sites (the primitive-cell search grows as N²), or the search would exceed
 * `maxSearchWork` (each candidate placement costs about N² to test and N³ to score). Formula and
 * site-count mismatches are answered before either limit applies.
 */
export class MatcherLimitError extends RangeError {
  override readonly name = 'MatcherLimitError';
  constructor(
    message: string,
    /** The option whose limit was reached. */
    readonly limit: 'maxSites' | 'maxSearchWork',
    /** The value that broke it (sites, or search work). */
    readonly value: number,
    /** The limit. */
    readonly max: number,
  ) {
    super(message);
  }
}
