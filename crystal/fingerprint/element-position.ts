/**
 * Position of an element in the periodic table (IUPAC 18-column layout): period 1-7, group 1-18,
 * and whether it is a lanthanide or actinide (La-Lu, Ac-Lr), which are placed in group 3 as
 * pymatgen's `Element.group` does.
 */

/** Period, group and f-block membership of one element. */
export interface ElementPosition {
  /** Row of the periodic table, 1-7. */
  readonly period: number;
  /** Column, 1-18 (lanthanides and actinides: 3). */
  readonly group: number;
  /** True for La-Lu (Z 57-71) and Ac-Lr (Z 89-103). */
  readonly fBlock: boolean;
}

const PERIOD_STARTS = [1, 3, 11, 19, 37, 55, 87, 119];

/**
 * The table position of atomic number `z` (1-118). Throws a RangeError otherwise.
 *
 * ```ts
 * elementPosition(8); // { period: 2, group: 16, fBlock: false }   O
 * elementPosition(64); // { period: 6, group: 3, fBlock: true }    Gd
 * ```
 */
export function elementPosition(z: number): ElementPosition {
  if (!Number.isInteger(z) || z < 1 || z > 118)
    throw new RangeError(`atomic number must be 1..118, got ${z}`);
  const period = PERIOD_STARTS.findIndex((start) => z < start);
  const pos = z - PERIOD_STARTS[period - 1]! + 1; // 1-based position within the period
  let group: number;
  let fBlock = false;
  if (period === 1) group = z === 1 ? 1 : 18;
  else if (period <= 3) group = pos <= 2 ? pos : pos + 10;
  else if (period <= 5) group = pos;
  else if (pos <= 2) group = pos;
  else if (pos <= 17) {
    group = 3;
    fBlock = true;
  } else group = pos - 14;
  return Object.freeze({ period, group, fBlock });
}
