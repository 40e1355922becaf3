/**
 * Shared pieces of the Quantum ESPRESSO (pw.x) readers and the block writer: the Bohr radius,
 * `CELL_PARAMETERS` / `ATOMIC_POSITIONS` headers and their unit conversions.
 */
import { Element, UnknownElementError } from '../elements.js';
import { type Mat3, type Vec3 } from '../lattice.js';
import { Structure } from '../structure.js';
import { parseNumber } from './structure-parse-error.js';

/** Bohr radius in Å (CODATA 2018, as used by QE ≥ 7.0; QE 6.x uses 0.52917720859). */
export const BOHR_IN_ANGSTROM = 0.529177210903;

export type CellUnit = 'angstrom' | 'bohr' | 'alat';
export type PositionUnit = 'crystal' | 'angstrom' | 'bohr' | 'alat';

/**
 * Reads the unit of a card header: 'CELL_PARAMETERS {angstrom}', 'ATOMIC_POSITIONS (crystal)',
 * 'CELL_PARAMETERS (alat= 10.26)'. Returns the lower-cased unit ('' when none) and an inline alat
 * (bohr) when the header carries one, as pw.x output does.
 */
export function cardUnit(header: string): { unit: string; alat?: number } {
  const rest = header.trim().replace(/^\S+/, '').trim();
  const alatMatch = /alat\s*=\s*([-+0-9.eEdD]+)/i.exec(rest);
  const unit =
    rest
      .replace(/[{}()]/g, ' ')
      .trim()
      .split(/[\s=]+/)[0]
      ?.toLowerCase() ?? '';
  const alat = alatMatch ? parseNumber(alatMatch[1]) : undefined;
  return alat !== undefined && Number.isFinite(alat) ? { unit, alat } : { unit };
}

/** Element of a QE species label: 'Fe1', 'Fe_up', 'O2' -> 'Fe', 'Fe', 'O'. Undefined when none. */
export function elementOfLabel(label: string): string | undefined {
  try {
    return Element.fromLabel(label);
  } catch (err) {
    if (err instanceof UnknownElementError) return undefined;
    throw err;
  }
}

/** Lattice in Å from CELL_PARAMETERS rows in `unit`; `alatBohr` is needed for 'alat'. */
export function cellToAngstrom(rows: readonly Vec3[], unit: CellUnit, alatBohr: number | undefined): Mat3 {
  const f =
    unit === 'angstrom'
      ? 1
      : unit === 'bohr'
        ? BOHR_IN_ANGSTROM
        : (alatBohr ?? Number.NaN) * BOHR_IN_ANGSTROM;
  return rows.map((r) => r.map((x) => x * f)) as unknown as Mat3;
}

/** Structure from ATOMIC_POSITIONS rows in `unit` on lattice `cell` (Å). */
export function positionsToStructure(
  cell: Mat3,
  species: readonly string[],
  rows: readonly Vec3[],
  unit: PositionUnit,
  alatBohr: number | undefined,
): Structure {
  if (unit === 'crystal') return Structure.create(cell, species, rows);
  const f =
    unit === 'angstrom'
      ? 1
      : unit === 'bohr'
        ? BOHR_IN_ANGSTROM
        : (alatBohr ?? Number.NaN) * BOHR_IN_ANGSTROM;
  return Structure.fromCartesian(
    cell,
    species,
    rows.map((r) => r.map((x) => x * f) as unknown as Vec3),
  );
}

/**
 * The two cards a pw.x input needs for a structure with `ibrav = 0`: lattice in Å and
 * fractional ('crystal') positions, 10 decimals. The engine adds ATOMIC_SPECIES and K_POINTS.
 *
 * ```
 * CELL_PARAMETERS angstrom
 *     0.0000000000    2.7150000000    2.7150000000
 *     2.7150000000    0.0000000000    2.7150000000
 *     2.7150000000    2.7150000000    0.0000000000
 * ATOMIC_POSITIONS crystal
 * Si     0.0000000000    0.0000000000    0.0000000000
 * Si     0.2500000000    0.2500000000    0.2500000000
 * ```
 */
export function writeQeCellAndPositions(s: Structure): string {
  const num = (x: number) => (Math.abs(x) < 5e-11 ? 0 : x).toFixed(10).padStart(16);
  return (
    [
      'CELL_PARAMETERS angstrom',
      ...s.lattice.map((r) => r.map(num).join('')),
      'ATOMIC_POSITIONS crystal',
      ...s.fracCoords.map((f, i) => s.species[i]!.padEnd(3) + f.map(num).join('')),
    ].join('\n') + '\n'
  );
}
