/**
 * Sanity checks on a structure before it is relaxed, scored or stored: each failed check gives a
 * stable code and a message with the numbers, so callers can filter, count and explain rejections.
 */
import { Element } from './elements.js';
import { det3, norm } from './lattice.js';
import { neighborList, perpendicularWidths } from './neighbor-list.js';
import { Structure } from './structure.js';

/** Reasons a structure can be invalid (closed set, D9). */
export const ValidityCode = {
  /** species and fracCoords differ in length, or there are no sites. */
  BadShape: 'bad_shape',
  /** A lattice entry or coordinate is NaN or infinite. */
  NonFinite: 'non_finite',
  /** A species is not an element symbol H..Pu. */
  UnknownElement: 'unknown_element',
  /** Zero volume, a zero-length vector, or a cell flatter than `minWidthRatio`. */
  DegenerateLattice: 'degenerate_lattice',
  /** Two atoms (or an atom and its own image) closer than `minDistance`. */
  TooClose: 'too_close',
  /** Volume per atom outside [minVolumePerAtom, maxVolumePerAtom]. */
  VolumePerAtom: 'volume_per_atom',
} as const;
export type ValidityCode = (typeof ValidityCode)[keyof typeof ValidityCode];

export interface ValidityReason {
  readonly code: ValidityCode;
  readonly message: string;
}

export interface ValidityResult {
  readonly valid: boolean;
  readonly reasons: readonly ValidityReason[];
}

/** Thresholds for {@link checkValidity}. */
export interface ValidityOptions {
  /** Smallest allowed interatomic distance, periodic images included, Å. Default 0.5. */
  readonly minDistance?: number;
  /** Smallest allowed volume per atom, Å³. Default 1. */
  readonly minVolumePerAtom?: number;
  /** Largest allowed volume per atom, Å³. Default 300. */
  readonly maxVolumePerAtom?: number;
  /** Smallest allowed ratio of the narrowest perpendicular width to the longest vector. Default 1e-3. */
  readonly minWidthRatio?: number;
}

/**
 * Checks a structure and returns every failed check (not just the first). Lattice-dependent
 * checks are skipped when the numbers are not finite or the lattice is degenerate.
 *
 * ```ts
 * checkValidity(Structure.create(Lattice.cubic(3), ['Na', 'Cl'], [[0, 0, 0], [0.05, 0, 0]]));
 * // { valid: false, reasons: [{ code: 'too_close', message: 'atoms 0 (Na) and 1 (Cl) are 0.150 Å apart …' }] }
 * ```
 */
export function checkValidity(s: Structure, options: ValidityOptions = {}): ValidityResult {
  const minDistance = options.minDistance ?? 0.5;
  const minVpa = options.minVolumePerAtom ?? 1;
  const maxVpa = options.maxVolumePerAtom ?? 300;
  const minWidthRatio = options.minWidthRatio ?? 1e-3;
  const reasons: ValidityReason[] = [];
  const fail = (code: ValidityCode, message: string) => reasons.push(Object.freeze({ code, message }));
  const done = () => Object.freeze({ valid: reasons.length === 0, reasons: Object.freeze(reasons) });

  const n = s.species.length;
  if (n === 0 || n !== s.fracCoords.length) {
    fail(ValidityCode.BadShape, `structure has ${n} species and ${s.fracCoords.length} coordinates`);
    return done();
  }
  const unknown = [...new Set(s.species.filter((el) => !Element.isElement(el)))];
  if (unknown.length) fail(ValidityCode.UnknownElement, `unknown element symbols: ${unknown.join(', ')}`);

  const latticeFinite = s.lattice.every((r) => r.length === 3 && r.every(Number.isFinite));
  const badSite = s.fracCoords.findIndex((f) => f.length !== 3 || !f.every(Number.isFinite));
  if (!latticeFinite) fail(ValidityCode.NonFinite, 'lattice has a non-finite entry');
  if (badSite >= 0) fail(ValidityCode.NonFinite, `site ${badSite} has a non-finite coordinate`);
  if (!latticeFinite || badSite >= 0) return done();

  const volume = Math.abs(det3(s.lattice));
  const longest = Math.max(...s.lattice.map(norm));
  const narrowest = volume > 0 ? Math.min(...perpendicularWidths(s.lattice)) : 0;
  if (!(volume > 1e-8) || !(narrowest > minWidthRatio * longest)) {
    fail(
      ValidityCode.DegenerateLattice,
      `lattice is degenerate: volume ${volume.toPrecision(4)} Å³, narrowest width ${narrowest.toPrecision(4)} Å ` +
        `for a longest vector of ${longest.toPrecision(4)} Å (needs volume > 1e-8 Å³ and width > ` +
        `minWidthRatio ${minWidthRatio} × longest = ${(minWidthRatio * longest).toPrecision(3)} Å)`,
    );
    return done();
  }

  const vpa = volume / n;
  if (vpa < minVpa || vpa > maxVpa) {
    fail(
      ValidityCode.VolumePerAtom,
      `volume per atom ${vpa.toFixed(3)} Å³ (${volume.toPrecision(4)} Å³ / ${n} atoms) is outside ` +
        `[${minVpa}, ${maxVpa}] Å³ (minVolumePerAtom, maxVolumePerAtom)`,
    );
  }
  if (minDistance > 0) {
    // A cell thinner than the cutoff makes the neighbour list visit many images; its Niggli cell
    // (same sites, same order) is as compact as the lattice allows.
    const nl = neighborList(narrowest < minDistance ? Structure.niggli(s) : s, minDistance);
    if (nl.src.length > 0) {
      let k = 0;
      for (let e = 1; e < nl.distances.length; e++) if (nl.distances[e]! < nl.distances[k]!) k = e;
      const [i, j] = [nl.src[k]!, nl.dst[k]!];
      const what =
        i === j
          ? `atom ${i} (${s.species[i]}) and its own periodic image are`
          : `atoms ${i} (${s.species[i]}) and ${j} (${s.species[j]}) are`;
      fail(
        ValidityCode.TooClose,
        `${what} ${nl.distances[k]!.toFixed(3)} Å apart, closer than ${minDistance} Å (minDistance; ` +
          `${nl.src.length / 2} such pairs)`,
      );
    }
  }
  return done();
}
