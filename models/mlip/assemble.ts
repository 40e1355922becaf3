/**
 * Forces, stress and committee statistics from the contract's outputs, in float64.
 *
 * With g_e = dE_m/dr_e for edge e = (i → j), r_e = x_j − x_i + shift:
 *   F_i = Σ_{e: src(e)=i} g_e − Σ_{e: dst(e)=i} g_e           (= −dE/dx_i)
 *   σ   = (1/V) Σ_e sym(r_e ⊗ g_e)                             (= (1/V) dE/dε, ASE's sign:
 *                                                                a compressed cell is negative)
 */
import type { Mat3, Vec3 } from '../../crystal/lattice.js';
import type { BatchGraph } from './batch-graph.js';
import type { Prediction } from './prediction.js';

/** Raw outputs of one ONNX call: energy [M, S], edge_grad [M, E, 3], embedding [S, D]. */
export interface RawOutputs {
  readonly members: number;
  readonly energy: Float32Array | Float64Array;
  readonly edgeGrad: Float32Array | Float64Array;
  readonly embedding?: { readonly data: Float32Array | Float64Array; readonly dim: number };
}

/** Turns one call's outputs into one Prediction per structure of the graph. */
export function assemblePredictions(graph: BatchGraph, out: RawOutputs): Prediction[] {
  const M = out.members;
  const S = graph.nStructures;
  const E = graph.src.length;
  const predictions: Prediction[] = [];
  for (let s = 0; s < S; s++) {
    const a0 = graph.atomOffset[s]!;
    const n = graph.atomOffset[s + 1]! - a0;
    const e0 = graph.edgeOffset[s]!;
    const e1 = graph.edgeOffset[s + 1]!;
    const volume = graph.volumes[s]!;
    // forces[m][3 * i + c], virial sums[m][3 * a + b]
    const forces = Array.from({ length: M }, () => new Float64Array(3 * n));
    const virial = Array.from({ length: M }, () => new Float64Array(9));
    for (let m = 0; m < M; m++) {
      const f = forces[m]!;
      const w = virial[m]!;
      const gBase = m * E * 3;
      for (let e = e0; e < e1; e++) {
        const gx = out.edgeGrad[gBase + 3 * e]!;
        const gy = out.edgeGrad[gBase + 3 * e + 1]!;
        const gz = out.edgeGrad[gBase + 3 * e + 2]!;
        const i = graph.src[e]! - a0;
        const j = graph.dst[e]! - a0;
        f[3 * i]! += gx;
        f[3 * i + 1]! += gy;
        f[3 * i + 2]! += gz;
        f[3 * j]! -= gx;
        f[3 * j + 1]! -= gy;
        f[3 * j + 2]! -= gz;
        const rx = graph.vectors[3 * e]!;
        const ry = graph.vectors[3 * e + 1]!;
        const rz = graph.vectors[3 * e + 2]!;
        w[0]! += rx * gx;
        w[1]! += rx * gy;
        w[2]! += rx * gz;
        w[3]! += ry * gx;
        w[4]! += ry * gy;
        w[5]! += ry * gz;
        w[6]! += rz * gx;
        w[7]! += rz * gy;
        w[8]! += rz * gz;
      }
    }
    const members = Array.from({ length: M }, (_, m) => out.energy[m * S + s]!);
    const energyEv = mean(members);
    const energyStd = Math.sqrt(mean(members.map((x) => (x - energyEv) ** 2)));

    const meanF = new Float64Array(3 * n);
    for (const f of forces) for (let k = 0; k < 3 * n; k++) meanF[k]! += f[k]! / M;
    let maxDev = 0;
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (const f of forces) {
        for (let c = 0; c < 3; c++) sq += (f[3 * i + c]! - meanF[3 * i + c]!) ** 2;
      }
      maxDev = Math.max(maxDev, Math.sqrt(sq / M));
    }
    const w = new Float64Array(9);
    for (const v of virial) for (let k = 0; k < 9; k++) w[k]! += v[k]! / M;
    const stress = [0, 1, 2].map((a) =>
      [0, 1, 2].map((b) => (0.5 * (w[3 * a + b]! + w[3 * b + a]!)) / volume),
    ) as unknown as Mat3;

    const forcesEvPerA: Vec3[] = [];
    for (let i = 0; i < n; i++) forcesEvPerA.push([meanF[3 * i]!, meanF[3 * i + 1]!, meanF[3 * i + 2]!]);
    const prediction: Prediction = {
      energyEv,
      energyPerAtomEv: energyEv / n,
      forcesEvPerA,
      stressEvPerA3: stress,
      members,
      uncertainty: { energyStdEvPerAtom: energyStd / n, maxForceDevEvPerA: maxDev },
      ...(out.embedding
        ? {
            embedding: Array.from(
              out.embedding.data.subarray(s * out.embedding.dim, (s + 1) * out.embedding.dim),
            ),
          }
        : {}),
    };
    predictions.push(prediction);
  }
  return predictions;
}

function mean(xs: readonly number[]): number {
  let t = 0;
  for (const x of xs) t += x;
  return t / xs.length;
}
