/**
 * The batched graph of the ONNX contract: many structures' neighbour lists concatenated into one
 * set of inputs, atom and edge indices offset per structure.
 *
 * For two structures of 2 and 1 atoms, with 3 and 2 edges:
 * ```
 * species     [Z0, Z1, Z2]                batch [0, 0, 1]
 * edge_index  [[0, 0, 1, 2, 2],           n_structures 2
 *              [1, 1, 0, 2, 2]]           (row 0 = centre i, row 1 = neighbour j)
 * edge_vec    r_ij = x_j − x_i + shift·L, Å, float32
 * ```
 */
import { Element } from '../../crystal/elements.js';
import { neighborList } from '../../crystal/neighbor-list.js';
import { Structure } from '../../crystal/structure.js';

/** Inputs of one ONNX call plus what assembly needs to map outputs back to structures. */
export interface BatchGraph {
  /** Atomic numbers, N. */
  readonly species: BigInt64Array;
  /** [2, E] row-major: centres then neighbours (global atom indices). */
  readonly edgeIndex: BigInt64Array;
  /** [E, 3] float32 edge vectors, Å. */
  readonly edgeVec: Float32Array;
  /** Structure index of each atom, N. */
  readonly batch: BigInt64Array;
  readonly nStructures: number;
  /** atomOffset[s]..atomOffset[s+1] are the atoms of structure s (length S+1). */
  readonly atomOffset: Int32Array;
  /** edgeOffset[s]..edgeOffset[s+1] are the edges of structure s (length S+1). */
  readonly edgeOffset: Int32Array;
  /** Centre and neighbour of each edge (global atom indices), E. */
  readonly src: Int32Array;
  readonly dst: Int32Array;
  /** Edge vectors in float64, [E, 3] (the stress uses these). */
  readonly vectors: Float64Array;
  /** Cell volume of each structure, Å³. */
  readonly volumes: Float64Array;
}

/**
 * Builds the batched graph. `atomicNumber(symbol, structureIndex)` maps a species to Z and may
 * throw (the model checks its element list there).
 */
export function buildBatchGraph(
  structures: readonly Structure[],
  cutoff: number,
  atomicNumber: (symbol: string, structureIndex: number) => number = (s) => Element.bySymbol(s).z,
): BatchGraph {
  const lists = structures.map((s) => neighborList(s, cutoff));
  const nS = structures.length;
  const atomOffset = new Int32Array(nS + 1);
  const edgeOffset = new Int32Array(nS + 1);
  for (let s = 0; s < nS; s++) {
    atomOffset[s + 1] = atomOffset[s]! + structures[s]!.species.length;
    edgeOffset[s + 1] = edgeOffset[s]! + lists[s]!.src.length;
  }
  const nA = atomOffset[nS]!;
  const nE = edgeOffset[nS]!;
  const species = new BigInt64Array(nA);
  const batch = new BigInt64Array(nA);
  const edgeIndex = new BigInt64Array(2 * nE);
  const edgeVec = new Float32Array(3 * nE);
  const src = new Int32Array(nE);
  const dst = new Int32Array(nE);
  const vectors = new Float64Array(3 * nE);
  const volumes = new Float64Array(nS);
  for (let s = 0; s < nS; s++) {
    const st = structures[s]!;
    const a0 = atomOffset[s]!;
    const e0 = edgeOffset[s]!;
    const nl = lists[s]!;
    volumes[s] = Structure.volume(st);
    st.species.forEach((el, i) => {
      species[a0 + i] = BigInt(atomicNumber(el, s));
      batch[a0 + i] = BigInt(s);
    });
    for (let k = 0; k < nl.src.length; k++) {
      const e = e0 + k;
      src[e] = a0 + nl.src[k]!;
      dst[e] = a0 + nl.dst[k]!;
      edgeIndex[e] = BigInt(src[e]!);
      edgeIndex[nE + e] = BigInt(dst[e]!);
    }
    vectors.set(nl.vectors, 3 * e0);
    edgeVec.set(nl.vectors, 3 * e0); // Float32Array.set rounds each value to float32
  }
  return {
    species,
    edgeIndex,
    edgeVec,
    batch,
    nStructures: nS,
    atomOffset,
    edgeOffset,
    src,
    dst,
    vectors,
    volumes,
  };
}
