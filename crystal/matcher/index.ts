/**
 * Structure matching for deduplication: are two crystals the same, up to the choice of cell,
 * rotation, translation, site order, volume and small distortions? A TypeScript port of the
 * behaviour of pymatgen's `StructureMatcher` (Ong et al., Comput. Mater. Sci. 68, 314 (2013),
 * doi:10.1016/j.commatsci.2012.10.028), with the pieces it needs: a primitive-cell finder, the
 * lattice-basis search and a linear-assignment (Hungarian) solver.
 *
 * Tolerances are named options with units (STYLE.md D7): `ltol` fractional lattice-length
 * tolerance, `stol` site tolerance as a fraction of (V/N)^⅓, `angleTol` in degrees; the
 * comparator (which sites may pair) is a swappable policy.
 *
 * ```ts
 * import { StructureMatcher } from './crystal/matcher/index.js';
 *
 * const m = new StructureMatcher({ ltol: 0.2, stol: 0.3, angleTol: 5 });
 * m.fit(a, supercell(a, [2, 1, 1])); // true: primitive reduction makes both the same cell
 * m.rmsDist(a, b); // { rms, maxDist } normalised by (V/N)^⅓, or null when they do not match
 * m.group([a, b, c]); // [[0, 2], [1]]: buckets by reduced formula, then fits
 * ```
 *
 * Cheap pre-filtering of candidates before `fit` is the job of `crystal/fingerprint/`.
 */
export { FrameworkComparator, SpeciesComparator, type Comparator } from './comparator.js';
export { latticeMappings, latticePointsInSphere, type LatticeMapping } from './lattice-mappings.js';
export { linearSumAssignment, type Assignment } from './linear-assignment.js';
export { PeriodicMetric } from './periodic-metric.js';
export { primitiveStructure, pureTranslations, type PrimitiveCellOptions } from './primitive-cell.js';
export {
  DEFAULT_MAX_MATCH_SITES,
  StructureMatcher,
  type RmsDistance,
  type StructureMatcherOptions,
} from './structure-matcher.js';
export { MatcherLimitError } from './errors.js';
