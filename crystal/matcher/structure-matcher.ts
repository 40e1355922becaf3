/**
 * StructureMatcher: are two structures the same crystal, up to cell choice, rotation,
 * translation, site order, a uniform volume change and small distortions? Behaves like pymatgen's
 * `StructureMatcher` (pymatgen/analysis/structure_matcher.py, by W. D. Richards, S. Dacek and
 * S. P. Ong; described in Ong et al., Comput. Mater. Sci. 68, 314 (2013),
 * doi:10.1016/j.commatsci.2012.10.028). The algorithm:
 *
 * 1. Compare comparator hashes (reduced formulas by default); different hashes never match. Without
 *    attemptSupercell, the site counts must also allow equal primitive (or, without primitiveCell,
 *    equal) cells; {@link StructureMatcher.mismatchReason} says which check failed. Past these
 *    checks a structure of more than `maxSites` sites, or a search of more than `maxSearchWork`,
 *    is refused with a {@link MatcherLimitError} rather than left running for minutes.
 * 2. Reduce both structures: Niggli cell, then (primitiveCell) the primitive cell, Niggli again.
 * 3. With attemptSupercell, fu = the ratio of site counts (rounded) and the smaller structure is
 *    the one repeated; otherwise the site counts must be equal (fu = 1).
 * 4. With scale, scale both lattices to the same volume per formula unit (each by the sixth root
 *    of the volume ratio, so their geometric mean volume is kept).
 * 5. Search bases of one lattice matching the other within ltol (lengths, fractional) and
 *    angleTol (degrees), try translations that align a site of the rarest species, pair sites by
 *    linear assignment and measure displacements normalised by (V/N)^⅓ (see {@link strictMatch}).
 * 6. `fit` is true when the maximum normalised displacement is below stol; `rmsDist` returns the
 *    smallest RMS displacement over all candidates and the maximum displacement of that match.
 *
 * As in pymatgen, mirror images match (both handednesses of a basis are tried), and `fit` is not
 * exactly symmetric in its arguments (pass `symmetric: true` to require both directions).
 */
import type { Mat3 } from '../lattice.js';
import { Structure } from '../structure.js';
import { SpeciesComparator, type Comparator } from './comparator.js';
import { MatcherLimitError } from './errors.js';
import { primitiveStructure } from './primitive-cell.js';
import { strictMatch, type StrictMatch } from './strict-match.js';

/** Options of {@link StructureMatcher}; every field is optional and defaults to pymatgen's value. */
export interface StructureMatcherOptions {
  /** Fractional length tolerance for lattice vectors: 1/(1 + ltol) < ratio < 1 + ltol. Default 0.2. */
  readonly ltol?: number;
  /** Site tolerance, as a fraction of the free length per atom (V/N)^⅓. Default 0.3. */
  readonly stol?: number;
  /** Angle tolerance, degrees. Default 5. */
  readonly angleTol?: number;
  /** Reduce both structures to primitive cells first, so supercells of the same crystal match. Default true. */
  readonly primitiveCell?: boolean;
  /** Scale both structures to equal volume per atom before comparing. Set false for exact matching. Default true. */
  readonly scale?: boolean;
  /** When site counts differ (after primitive reduction), try supercells of the smaller structure. Default false. */
  readonly attemptSupercell?: boolean;
  /** Which sites may be paired, and the pre-filter hash. Default {@link SpeciesComparator}. */
  readonly comparator?: Comparator;
  /** Distance (Å) within which sites coincide when finding primitive cells. Default 0.25. */
  readonly primitiveTolerance?: number;
  /** Most sites a structure may have once the quick checks pass (see {@link MatcherLimitError}). Default {@link DEFAULT_MAX_MATCH_SITES}. */
  readonly maxSites?: number;
  /**
   * Most search work per comparison: the sum over candidate placements of N² (the subset test)
   * and N³ (the assignment that scores it), N the sites compared. Default {@link DEFAULT_MAX_SEARCH_WORK}.
   */
  readonly maxSearchWork?: number;
}

/** Default `maxSites`: the primitive-cell search of 2000 sites takes a few seconds (it grows as N²). */
export const DEFAULT_MAX_MATCH_SITES = 2000;

/** Default `maxSearchWork`: a few seconds (a unit costs about 1 ns), e.g. 3000 placements of 100 sites scored. */
export const DEFAULT_MAX_SEARCH_WORK = 3e9;

/** Result of {@link StructureMatcher.rmsDist}: displacements normalised by (V/N)^⅓ (dimensionless). */
export interface RmsDistance {
  /** Root-mean-square normalised site displacement of the best match. */
  readonly rms: number;
  /** Largest normalised site displacement of that match. */
  readonly maxDist: number;
}

interface Prepared {
  readonly s1: Structure;
  readonly s2: Structure;
  readonly fu: number;
  readonly s1Supercell: boolean;
}

/**
 * Matches structures (see the module doc for the algorithm).
 *
 * ```ts
 * const m = new StructureMatcher(); // ltol 0.2, stol 0.3, angleTol 5°, primitive cells, scaling
 * m.fit(nacl, supercell(nacl, [2, 1, 1])); // true
 * m.rmsDist(nacl, rotatedNacl); // { rms: ~1e-16, maxDist: ~1e-16 }
 * m.group([a, b, aSupercell]); // [[0, 2], [1]]
 * ```
 */
export class StructureMatcher {
  readonly ltol: number;
  readonly stol: number;
  readonly angleTol: number;
  readonly primitiveCell: boolean;
  readonly scale: boolean;
  readonly attemptSupercell: boolean;
  readonly comparator: Comparator;
  readonly primitiveTolerance: number;
  readonly maxSites: number;
  readonly maxSearchWork: number;
  /** Reduced cells, computed once per input object (structures are immutable). */
  readonly #reduced = new WeakMap<Structure, Structure>();

  constructor(options: StructureMatcherOptions = {}) {
    this.ltol = positive('ltol', options.ltol ?? 0.2);
    this.stol = positive('stol', options.stol ?? 0.3);
    this.angleTol = positive('angleTol', options.angleTol ?? 5);
    this.primitiveTolerance = positive('primitiveTolerance', options.primitiveTolerance ?? 0.25);
    this.primitiveCell = options.primitiveCell ?? true;
    this.scale = options.scale ?? true;
    this.attemptSupercell = options.attemptSupercell ?? false;
    this.comparator = options.comparator ?? SpeciesComparator;
    this.maxSites = positive('maxSites', options.maxSites ?? DEFAULT_MAX_MATCH_SITES);
    this.maxSearchWork = positive('maxSearchWork', options.maxSearchWork ?? DEFAULT_MAX_SEARCH_WORK);
  }

  /**
   * Why `a` and `b` cannot match, decided from formulas and site counts alone (step 1 of the module
   * doc, as pymatgen's composition check); null when only the full search can tell.
   *
   * ```ts
   * m.mismatchReason(si, quartz); // 'reduced formulas differ: Si vs SiO2'
   * m.mismatchReason(si, si); // null
   * ```
   */
  mismatchReason(a: Structure, b: Structure): string | null {
    const [ha, hb] = [this.comparator.hash(a.species), this.comparator.hash(b.species)];
    if (ha !== hb) {
      const what =
        this.comparator === SpeciesComparator ? 'reduced formulas' : `${this.comparator.name} hashes`;
      return `${what} differ: ${ha} vs ${hb}`;
    }
    if (this.attemptSupercell) return null;
    const [na, nb] = [a.species.length, b.species.length];
    if (!this.primitiveCell) {
      return na === nb
        ? null
        : `site counts differ: ${na} vs ${nb} (without primitiveCell or attemptSupercell the cells must have equal site counts)`;
    }
    // Both must reduce to the same primitive cell, so the larger count is a multiple of the
    // smaller structure's primitive count (reduced only when that is cheap).
    const [small, large] = na <= nb ? [a, b] : [b, a];
    if (small.species.length > this.maxSites) return null;
    const p = this.reducedStructure(small).species.length;
    if (large.species.length % p === 0) return null;
    return (
      `site counts: ${large.species.length} sites is not a multiple of the ${p}-site primitive cell ` +
      `of the other structure (${small.species.length} sites), so their primitive cells differ`
    );
  }

  /**
   * True when `b` is the same crystal as `a` within the tolerances. With `symmetric`, the match
   * must hold with either structure as the reference (pymatgen's `symmetric=True`).
   */
  fit(a: Structure, b: Structure, options: { readonly symmetric?: boolean } = {}): boolean {
    if (this.mismatchReason(a, b) !== null) return false;
    this.#checkSize(a, b);
    const forward = this.#match(this.#prepare(a, b), false, true);
    if (!forward || forward.value > this.stol) return false;
    if (!options.symmetric) return true;
    const backward = this.#match(this.#prepare(b, a), false, true);
    return backward !== null && backward.value <= this.stol;
  }

  /**
   * The smallest RMS displacement over all matches and the largest displacement of that match,
   * both normalised by (V/N)^⅓; null when no match is within stol (pymatgen's `get_rms_dist`).
   */
  rmsDist(a: Structure, b: Structure): RmsDistance | null {
    if (this.mismatchReason(a, b) !== null) return null;
    this.#checkSize(a, b);
    const best = this.#match(this.#prepare(a, b), true, false);
    if (!best) return null;
    return Object.freeze({ rms: best.value, maxDist: Math.max(...best.distances) });
  }

  /**
   * Groups structures by `fit`: returns groups of indices into `structures`, ordered by their
   * first index. Structures are bucketed by the comparator hash (the reduced formula) before any
   * fit, and within a bucket each structure joins the group of the first earlier reference it
   * fits, as pymatgen's `group_structures` does.
   *
   * Caveat: matching within tolerances is not transitive. If a fits b and b fits c but a does
   * not fit c, then whether b and c share a group depends on the input order, and c may land in
   * a group of its own although it fits a member (b). Groups are therefore "fits its reference".
   */
  group(structures: readonly Structure[]): number[][] {
    const buckets = new Map<string, number[]>();
    structures.forEach((s, i) => {
      const key = this.comparator.hash(s.species);
      buckets.set(key, [...(buckets.get(key) ?? []), i]);
    });
    const groups: number[][] = [];
    for (const bucket of buckets.values()) {
      let unmatched = bucket;
      while (unmatched.length > 0) {
        const [ref, ...rest] = unmatched as [number, ...number[]];
        const members = [ref];
        const left: number[] = [];
        for (const i of rest) (this.fit(structures[ref]!, structures[i]!) ? members : left).push(i);
        groups.push(members);
        unmatched = left;
      }
    }
    return groups.sort((x, y) => x[0]! - y[0]!);
  }

  /** The cell the matcher compares: Niggli-reduced, and primitive when `primitiveCell` is set. */
  reducedStructure(s: Structure): Structure {
    let r = this.#reduced.get(s);
    if (!r) {
      r = this.primitiveCell
        ? primitiveStructure(s, { tolerance: this.primitiveTolerance })
        : Structure.niggli(s);
      this.#reduced.set(s, r);
    }
    return r;
  }

  /** Throws {@link MatcherLimitError} when either structure has more than `maxSites` sites. */
  #checkSize(a: Structure, b: Structure): void {
    for (const [argument, s] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const n = s.species.length;
      if (n <= this.maxSites) continue;
      throw new MatcherLimitError(
        `StructureMatcher: structure ${argument} has ${n} sites, more than maxSites ${this.maxSites}: the ` +
          'primitive-cell search grows as N², so it is refused rather than left running; ' +
          'reduce it to its primitive cell first, or raise maxSites',
        'maxSites',
        n,
        this.maxSites,
      );
    }
  }

  /** Steps 2-4 of the module doc. */
  #prepare(a: Structure, b: Structure): Prepared {
    let s1 = this.reducedStructure(a);
    let s2 = this.reducedStructure(b);
    let fu = 1;
    let s1Supercell = true;
    if (this.attemptSupercell) {
      const ratio = s2.species.length / s1.species.length;
      if (ratio < 2 / 3) {
        fu = Math.round(1 / ratio);
        s1Supercell = false;
      } else {
        fu = Math.round(ratio);
      }
    }
    if (this.scale) {
      const mult = s1Supercell ? fu : 1 / fu;
      const ratio = (Structure.volume(s2) / (Structure.volume(s1) * mult)) ** (1 / 6);
      s1 = scaled(s1, ratio);
      s2 = scaled(s2, 1 / ratio);
    }
    return { s1, s2, fu, s1Supercell };
  }

  /** Step 5: match the structure with fewer sites (after the supercell) onto the other. */
  #match(p: Prepared, useRms: boolean, breakOnMatch: boolean): StrictMatch | null {
    const ratio = p.s1Supercell ? p.fu : 1 / p.fu;
    const common = {
      fu: p.fu,
      ltol: this.ltol,
      stol: this.stol,
      angleTol: this.angleTol,
      comparator: this.comparator,
      useRms,
      breakOnMatch,
      maxWork: this.maxSearchWork,
    };
    if (p.s1.species.length * ratio >= p.s2.species.length) {
      return strictMatch({ ...common, s1: p.s1, s2: p.s2, s1Supercell: p.s1Supercell });
    }
    return strictMatch({ ...common, s1: p.s2, s2: p.s1, s1Supercell: !p.s1Supercell });
  }
}

function scaled(s: Structure, factor: number): Structure {
  const lattice = s.lattice.map((row) => row.map((x) => x * factor)) as unknown as Mat3;
  return Structure.create(lattice, s.species, s.fracCoords);
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`StructureMatcher option ${name} must be a positive finite number, got ${value}`);
  }
  return value;
}
