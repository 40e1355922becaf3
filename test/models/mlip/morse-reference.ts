/**
 * The Morse committee of `test/models/mlip/fixtures/*.params.json`, evaluated analytically in float64:
 * the ground truth the ONNX fixtures are checked against, and an exact `Potential` for the
 * optimizer tests.
 */
import { readFileSync } from 'node:fs';
import type { Mat3, Vec3 } from '../../../crystal/lattice.js';
import { neighborList } from '../../../crystal/neighbor-list.js';
import { Structure } from '../../../crystal/structure.js';
import type { Evaluation, Potential } from '../../../models/relax/index.js';

export interface MorseParams {
  readonly r_on_a: number;
  readonly r_cut_a: number;
  readonly covalent_radii_a: Readonly<Record<string, number>>;
  readonly depth_ev: readonly number[];
  readonly alpha_per_a: readonly number[];
  readonly radius_scale: readonly number[];
}

export function readMorseParams(path: string): MorseParams {
  return JSON.parse(readFileSync(path, 'utf8')) as MorseParams;
}

export interface MorseEvaluation extends Evaluation {
  /** Energy of each member, eV. */
  readonly members: readonly number[];
  /** Forces of each member, eV/Å. */
  readonly memberForces: readonly (readonly Vec3[])[];
}

/** Energy, forces and stress of each member and their mean, float64. */
export function morseEvaluate(p: MorseParams, s: Structure): MorseEvaluation {
  const nl = neighborList(s, p.r_cut_a);
  const n = s.species.length;
  const M = p.depth_ev.length;
  const members = new Array<number>(M).fill(0);
  const memberForces = Array.from({ length: M }, () => Array.from({ length: n }, () => [0, 0, 0]));
  const w = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const width = p.r_cut_a - p.r_on_a;
  for (let e = 0; e < nl.src.length; e++) {
    const i = nl.src[e]!;
    const j = nl.dst[e]!;
    const r = nl.distances[e]!;
    const v = [nl.vectors[3 * e]!, nl.vectors[3 * e + 1]!, nl.vectors[3 * e + 2]!];
    const t = Math.min(1, Math.max(0, (r - p.r_on_a) / width));
    const sw = 1 - t ** 3 * (10 - 15 * t + 6 * t * t);
    const dsw = (-30 * t * t * (1 - t) ** 2) / width;
    const ri = p.covalent_radii_a[s.species[i]!]!;
    const rj = p.covalent_radii_a[s.species[j]!]!;
    for (let m = 0; m < M; m++) {
      const r0 = p.radius_scale[m]! * (ri + rj);
      const a = p.alpha_per_a[m]!;
      const d = p.depth_ev[m]!;
      const ex = Math.exp(-a * (r - r0));
      const phi = d * (ex * ex - 2 * ex);
      const dphi = -2 * a * d * (ex * ex - ex);
      members[m]! += 0.5 * phi * sw;
      const g = (0.5 * (dphi * sw + phi * dsw)) / r; // |dE_m/dr_e| / r
      const f = memberForces[m]!;
      for (let c = 0; c < 3; c++) {
        f[i]![c]! += g * v[c]!;
        f[j]![c]! -= g * v[c]!;
        for (let b = 0; b < 3; b++) w[3 * c + b]! += (v[c]! * g * v[b]!) / M;
      }
    }
  }
  const volume = Structure.volume(s);
  const stress = [0, 1, 2].map((a) => [0, 1, 2].map((b) => w[3 * a + b]! / volume)) as unknown as Mat3;
  const forces = Array.from({ length: n }, (_, i) =>
    [0, 1, 2].map((c) => memberForces.reduce((t, f) => t + f[i]![c]!, 0) / M),
  );
  return {
    energyEv: members.reduce((x, y) => x + y, 0) / M,
    members,
    memberForces: memberForces as unknown as Vec3[][],
    forcesEvPerA: forces as unknown as Vec3[],
    stressEvPerA3: stress,
  };
}

/** The analytic committee mean as a `Potential`. */
export function morsePotential(p: MorseParams): Potential<MorseEvaluation> {
  return { predict: async (structures) => structures.map((s) => morseEvaluate(p, s)) };
}
