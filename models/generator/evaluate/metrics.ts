/**
 * The generator metrics of CDVAE (Xie et al., ICLR 2022, arXiv:2110.06197) and DiffCSP (Jiao et
 * al., NeurIPS 2023, arXiv:2309.04475), computed in TypeScript:
 *
 * - structural validity: every interatomic distance > 0.5 Å and volume > 0.1 Å³ (CDVAE
 *   `structure_validity`; ours also counts an atom's distance to its own periodic images);
 * - compositional validity: SMACT charge balance (`smact-validity.ts`);
 * - CSP match rate and RMSE: one prediction per test composition, matched to the ground truth with
 *   StructureMatcher(stol 0.5, angleTol 10°, ltol 0.3); as DiffCSP's `RecEval`, a pair counts only
 *   when both structures are valid (structurally and compositionally), the match rate is over all
 *   pairs and the RMSE (RMS displacement normalised by (V/N)^⅓) averages the matched pairs;
 * - uniqueness: fraction of the structurally valid samples that match no earlier one;
 * - novelty: fraction of the unique valid samples that match no training structure (compared
 *   within the same reduced formula);
 * - chemical-system adherence: fraction of conditioned samples using only the requested elements.
 */
import { Composition } from '../../../crystal/composition.js';
import { StructureMatcher } from '../../../crystal/matcher/index.js';
import { Structure } from '../../../crystal/structure.js';
import { checkValidity } from '../../../crystal/validity.js';
import { smactValid } from './smact-validity.js';

/** DiffCSP's matcher settings for CSP and for our uniqueness/novelty checks. */
export const DIFFCSP_MATCHER = Object.freeze({ stol: 0.5, angleTol: 10, ltol: 0.3 });

/** CDVAE's structural validity (see the module doc). */
export function structurallyValid(s: Structure): boolean {
  if (!s.lattice.every((r) => r.every(Number.isFinite))) return false;
  if (!(Structure.volume(s) > 0.1)) return false;
  const v = checkValidity(s, { minDistance: 0.5, minVolumePerAtom: 0, maxVolumePerAtom: Infinity });
  return v.valid;
}

/** SMACT compositional validity of a structure's composition. */
export function compositionallyValid(s: Structure): boolean {
  return smactValid(new Map(Object.entries(Composition.fromSpecies(s.species))));
}

/** One CSP prediction next to its ground truth. */
export interface CspPair {
  readonly predicted: Structure | null;
  readonly truth: Structure;
}

/** Result of {@link cspMatch}. */
export interface CspMatchResult {
  readonly pairs: number;
  readonly matched: number;
  /** matched / pairs. */
  readonly matchRate: number;
  /** Mean normalised RMS displacement over the matched pairs (NaN when none matched). */
  readonly rmse: number;
  /** Pairs with both structures valid (the only ones DiffCSP tries to match). */
  readonly validPairs: number;
  /** Matches found when the validity gate is skipped (for reference). */
  readonly matchedIgnoringValidity: number;
  /** Per pair: normalised RMS displacement, or null (no match, or gated out). */
  readonly rms: readonly (number | null)[];
}

/** CSP match rate and RMSE as DiffCSP computes them (see the module doc). */
export function cspMatch(
  pairs: readonly CspPair[],
  matcher = new StructureMatcher(DIFFCSP_MATCHER),
): CspMatchResult {
  const valid = (s: Structure) => structurallyValid(s) && compositionallyValid(s);
  const rms: (number | null)[] = [];
  let validPairs = 0;
  let ungated = 0;
  for (const { predicted, truth } of pairs) {
    let r: number | null = null;
    if (
      predicted &&
      predicted.lattice.every((row) => row.every(Number.isFinite)) &&
      Structure.volume(predicted) > 1e-6
    ) {
      try {
        r = matcher.rmsDist(predicted, truth)?.rms ?? null;
      } catch {
        r = null; // pymatgen errors on pathological cells count as no match, as in DiffCSP
      }
    }
    if (r !== null) ungated++;
    const gate = predicted !== null && valid(predicted) && valid(truth);
    if (gate) validPairs++;
    rms.push(gate ? r : null);
  }
  const hits = rms.filter((x): x is number => x !== null);
  return Object.freeze({
    pairs: pairs.length,
    matched: hits.length,
    matchRate: pairs.length ? hits.length / pairs.length : Number.NaN,
    rmse: hits.length ? hits.reduce((a, b) => a + b, 0) / hits.length : Number.NaN,
    validPairs,
    matchedIgnoringValidity: ungated,
    rms,
  });
}

/**
 * Indices of the structures that match no earlier one (the first of each group; compared within
 * the same reduced formula, each against the first member of every group so far).
 */
export function uniqueIndices(
  structures: readonly Structure[],
  matcher = new StructureMatcher(DIFFCSP_MATCHER),
): number[] {
  const firsts = new Map<string, Structure[]>();
  const out: number[] = [];
  structures.forEach((s, i) => {
    const key = Structure.reducedFormula(s);
    const seen = firsts.get(key) ?? [];
    if (seen.some((r) => safeFit(matcher, r, s))) return;
    firsts.set(key, [...seen, s]);
    out.push(i);
  });
  return out;
}

/**
 * Indices (into `structures`) of those matching no reference structure of the same reduced
 * formula. `references` is bucketed by reduced formula once.
 */
export function novelIndices(
  structures: readonly Structure[],
  references: readonly Structure[],
  matcher = new StructureMatcher(DIFFCSP_MATCHER),
): number[] {
  const byFormula = new Map<string, Structure[]>();
  for (const r of references) {
    const key = Structure.reducedFormula(r);
    byFormula.set(key, [...(byFormula.get(key) ?? []), r]);
  }
  return structures
    .map((s, i) => [s, i] as const)
    .filter(([s]) => !(byFormula.get(Structure.reducedFormula(s)) ?? []).some((r) => safeFit(matcher, r, s)))
    .map(([, i]) => i);
}

function safeFit(m: StructureMatcher, a: Structure, b: Structure): boolean {
  try {
    return m.fit(a, b);
  } catch {
    return false;
  }
}

/** True when every species of `s` is one of `elements`. */
export function adheres(s: Structure, elements: readonly string[]): boolean {
  return s.species.every((el) => elements.includes(el));
}
