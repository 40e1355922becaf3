/**
 * Linear assignment (minimum-cost bipartite matching): the Hungarian method of Kuhn (Naval Res.
 * Logist. Q. 2, 83 (1955), doi:10.1002/nav.3800020109) and Munkres (J. SIAM 5, 32 (1957),
 * doi:10.1137/0105003), in the O(n²m) shortest-augmenting-path form with dual potentials (as in
 * Jonker & Volgenant, Computing 38, 325 (1987), doi:10.1007/BF02278710). It plays the part of
 * SciPy's `linear_sum_assignment` in pymatgen's StructureMatcher.
 *
 * Steps, for an n×m cost matrix with n <= m:
 * 1. Keep potentials u (rows) and v (columns) with u_i + v_j <= c_ij, and a partial matching in
 *    which every matched pair is tight (u_i + v_j = c_ij).
 * 2. Add rows one at a time. From the new row, grow an alternating tree Dijkstra-style over the
 *    reduced costs c_ij - u_i - v_j, adding the column of least slack each step and shifting the
 *    potentials by that slack so the tree stays tight.
 * 3. When the tree reaches a free column, flip the matching along the path back to the row.
 * After n rows the matching is optimal (the potentials certify it by LP duality).
 */

/** Result of {@link linearSumAssignment}. */
export interface Assignment {
  /** `rowToCol[i]` is the column assigned to row i (every row gets a distinct column). */
  readonly rowToCol: Int32Array;
  /** Sum of the chosen costs, Σ_i cost[i][rowToCol[i]]. */
  readonly cost: number;
}

/**
 * Minimum-cost assignment of every row to a distinct column. `cost` is n rows of m finite numbers
 * with n <= m (rectangular allowed, as in SciPy's `linear_sum_assignment`). Throws a RangeError
 * when rows outnumber columns, rows differ in length or a cost is not finite.
 *
 * ```ts
 * linearSumAssignment([
 *   [4, 1, 3],
 *   [2, 0, 5],
 *   [3, 2, 2],
 * ]); // { rowToCol: [1, 0, 2], cost: 5 }
 * ```
 */
export function linearSumAssignment(cost: readonly ArrayLike<number>[]): Assignment {
  const n = cost.length;
  if (n === 0) return Object.freeze({ rowToCol: new Int32Array(0), cost: 0 });
  const m = cost[0]!.length;
  if (n > m)
    throw new RangeError(`cost matrix has ${n} rows but ${m} columns: rows must not outnumber columns`);
  for (let i = 0; i < n; i++) {
    const row = cost[i]!;
    if (row.length !== m) throw new RangeError(`cost row ${i} has ${row.length} entries, expected ${m}`);
    for (let j = 0; j < m; j++) {
      if (!Number.isFinite(row[j]!)) throw new RangeError(`cost[${i}][${j}] = ${row[j]} is not finite`);
    }
  }
  // 1-based arrays: column 0 and row 0 are the virtual root of each alternating tree.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfCol = new Int32Array(m + 1); // 0 = free
  const way = new Int32Array(m + 1);
  const minSlack = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i;
    let col0 = 0;
    minSlack.fill(Infinity);
    used.fill(0);
    do {
      used[col0] = 1;
      const row0 = rowOfCol[col0]!;
      const c = cost[row0 - 1]!;
      let delta = Infinity;
      let col1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const slack = c[j - 1]! - u[row0]! - v[j]!;
        if (slack < minSlack[j]!) {
          minSlack[j] = slack;
          way[j] = col0;
        }
        if (minSlack[j]! < delta) {
          delta = minSlack[j]!;
          col1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOfCol[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minSlack[j]! -= delta;
        }
      }
      col0 = col1;
    } while (rowOfCol[col0] !== 0);
    // Flip the matching along the augmenting path.
    do {
      const col1 = way[col0]!;
      rowOfCol[col0] = rowOfCol[col1]!;
      col0 = col1;
    } while (col0 !== 0);
  }
  const rowToCol = new Int32Array(n);
  for (let j = 1; j <= m; j++) if (rowOfCol[j]! > 0) rowToCol[rowOfCol[j]! - 1] = j - 1;
  let total = 0;
  for (let i = 0; i < n; i++) total += cost[i]![rowToCol[i]!]!;
  return Object.freeze({ rowToCol, cost: total });
}
