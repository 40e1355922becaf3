/**
 * One comparison of `matdisc match`, shared by `match A B` and the batch forms (`--pairs`, `--all`):
 * the matcher built from the command's options, and the verdict on two structures with the reason
 * for a mismatch. A pair the matcher refuses (over `--max-sites`, or a search too large) throws an
 * error that names the file and the fix; the single form stops on it, the batch reports it.
 */
import { MatcherLimitError, StructureMatcher } from '../crystal/matcher/index.js';
import type { Structure } from '../crystal/structure.js';

/** The matcher options of `matdisc match`, as commander gives them. */
export interface MatcherCliOptions {
  ltol: string;
  stol: string;
  angleTol: string;
  maxSites?: number;
}

/** What `match` says about one pair. */
export interface PairVerdict {
  readonly match: boolean;
  /** RMS displacement normalised by (V/N)^⅓ when they match; null otherwise. */
  readonly rms: number | null;
  /** Why they cannot match, when a cheap check (formulas, site counts) says so; null otherwise. */
  readonly reason: string | null;
}

/** A structure and the path it was read from, quoted in errors. */
export interface NamedStructure {
  readonly file: string;
  readonly structure: Structure;
}

/** The matcher of `--ltol`, `--stol`, `--angle-tol` and `--max-sites`; throws naming a bad option. */
export function matcherFromOptions(opts: MatcherCliOptions): StructureMatcher {
  const tolerance = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name}: '${text}' is not a positive number`);
    return value;
  };
  return new StructureMatcher({
    ltol: tolerance('ltol', opts.ltol),
    stol: tolerance('stol', opts.stol),
    angleTol: tolerance('angle-tol', opts.angleTol),
    ...(opts.maxSites !== undefined ? { maxSites: opts.maxSites } : {}),
  });
}

/** Compares two structures. Throws when the matcher refuses the pair (see the file comment). */
export function comparePair(matcher: StructureMatcher, a: NamedStructure, b: NamedStructure): PairVerdict {
  // Formulas and site counts answer most pairs at once, with the reason.
  const reason = matcher.mismatchReason(a.structure, b.structure);
  try {
    const match = reason === null && matcher.fit(a.structure, b.structure);
    const rms = match ? (matcher.rmsDist(a.structure, b.structure)?.rms ?? null) : null;
    return { match, rms, reason };
  } catch (err) {
    if (!(err instanceof MatcherLimitError)) throw err;
    if (err.limit !== 'maxSites')
      throw new Error(`match ${a.file} ${b.file}: ${err.message}`, { cause: err });
    const file = err.value === a.structure.species.length ? a.file : b.file;
    throw new Error(
      `${file}: ${err.value} sites, more than --max-sites ${err.max}: the primitive-cell search grows ` +
        'as N², so it is refused rather than left running; reduce it to its primitive cell first, or raise --max-sites',
      { cause: err },
    );
  }
}
