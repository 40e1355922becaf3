/**
 * Reads the latest structure from pw.x output text (scf, relax, vc-relax, md).
 *
 * The cell is the last `CELL_PARAMETERS` block (vc-relax and vc-md steps; 'alat= …' in its header,
 * or angstrom/bohr), else the last "crystal axes" table of a run header (in units of that header's
 * "lattice parameter (alat)"). The positions are the last `ATOMIC_POSITIONS` block (relaxation and
 * md steps), else the last header "positions (alat units)" table (an scf run). The blocks win even
 * when a header follows them (the final scf of a vc-relax repeats the same structure with fewer
 * digits). For a finished relaxation this is the relaxed structure; for an interrupted one, the
 * last step printed.
 */
import type { Mat3, Vec3 } from '../lattice.js';
import type { Structure } from '../structure.js';
import {
  BOHR_IN_ANGSTROM,
  cardUnit,
  cellToAngstrom,
  elementOfLabel,
  positionsToStructure,
  type CellUnit,
  type PositionUnit,
} from './qe-cards.js';
import { parseNumber, StructureParseError, type ReadOptions } from './structure-parse-error.js';

/** Reads the last structure printed in pw.x output. Throws StructureParseError naming the line. */
export function readQeOutput(text: string, options: ReadOptions = {}): Structure {
  const { source } = options;
  const lines = text.split(/\r\n|\r|\n/);
  const fail = (msg: string, line?: number, field?: string): never => {
    throw new StructureParseError('qe-output', msg, { source, line, field });
  };
  const numbersIn = (i: number, count: number, what: string): Vec3 => {
    const xs = (lines[i] ?? '').match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][-+]?\d+)?/g)?.map(parseNumber) ?? [];
    if (xs.length < count)
      fail(
        `expected ${count} numbers in the ${what}, got ${JSON.stringify(lines[i]?.trim() ?? '')}`,
        i + 1,
        what,
      );
    return xs.slice(-count) as unknown as Vec3;
  };

  let nat: number | undefined;
  let alat: number | undefined; // bohr, from the latest header
  type Sites = { species: string[]; rows: Vec3[]; unit: PositionUnit; alat: number | undefined };
  let cellBlock: Mat3 | undefined;
  let cellHeader: Mat3 | undefined;
  let sitesBlock: Sites | undefined;
  let sitesHeader: Sites | undefined;
  let m: RegExpExecArray | null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if ((m = /number of atoms\/cell\s*=\s*(\d+)/.exec(line))) nat = Number(m[1]);
    else if ((m = /lattice parameter \(alat\)\s*=\s*([-+0-9.eEdD]+)/.exec(line))) alat = parseNumber(m[1]);
    else if (/crystal axes: \(cart\. coord\. in units of alat\)/.test(line)) {
      if (alat === undefined)
        fail('crystal axes table before any "lattice parameter (alat)" line', i + 1, 'alat');
      const rows = [1, 2, 3].map((k) => numbersIn(i + k, 3, 'crystal axes'));
      cellHeader = cellToAngstrom(rows, 'alat', alat);
    } else if (/^\s*CELL_PARAMETERS/.test(line)) {
      const { unit, alat: inline } = cardUnit(line);
      if (!['alat', 'bohr', 'angstrom'].includes(unit))
        fail(
          `CELL_PARAMETERS unit ${JSON.stringify(unit)} is not alat, bohr or angstrom`,
          i + 1,
          'CELL_PARAMETERS',
        );
      const rows = [1, 2, 3].map((k) => numbersIn(i + k, 3, 'CELL_PARAMETERS'));
      cellBlock = cellToAngstrom(rows, unit as CellUnit, inline ?? alat);
    } else if (/^\s*ATOMIC_POSITIONS/.test(line) || /site n\.\s+atom\s+positions \(alat units\)/.test(line)) {
      const header = /^\s*ATOMIC_POSITIONS/.test(line);
      if (nat === undefined) fail('atomic positions before "number of atoms/cell"', i + 1, 'nat');
      const unit = header ? cardUnit(line).unit || 'alat' : 'alat';
      if (!['crystal', 'alat', 'bohr', 'angstrom'].includes(unit))
        fail(`ATOMIC_POSITIONS unit ${JSON.stringify(unit)} is not supported`, i + 1, 'ATOMIC_POSITIONS');
      const species: string[] = [];
      const rows: Vec3[] = [];
      for (let k = 1; k <= nat!; k++) {
        const tok = (lines[i + k] ?? '').trim().split(/\s+/);
        const label = header ? tok[0] : tok[1];
        const el = elementOfLabel(label ?? '');
        if (!el)
          fail(
            `expected an atom line, got ${JSON.stringify(lines[i + k]?.trim() ?? '')}`,
            i + k + 1,
            'ATOMIC_POSITIONS',
          );
        species.push(el!);
        rows.push(
          header ? (tok.slice(1, 4).map(parseNumber) as unknown as Vec3) : numbersIn(i + k, 3, 'positions'),
        );
        if (rows[rows.length - 1]!.some((x) => !Number.isFinite(x)))
          fail(`bad coordinates in ${JSON.stringify(lines[i + k]!.trim())}`, i + k + 1);
      }
      const found = { species, rows, unit: unit as PositionUnit, alat };
      if (header) sitesBlock = found;
      else sitesHeader = found;
      i += nat!;
    }
  }
  const cell = cellBlock ?? cellHeader;
  const sites = sitesBlock ?? sitesHeader;
  if (!cell)
    fail(
      'no "crystal axes" table or CELL_PARAMETERS block: is this pw.x output?',
      undefined,
      'CELL_PARAMETERS',
    );
  if (!sites) fail('no atomic positions found: is this pw.x output?', undefined, 'ATOMIC_POSITIONS');
  const positionAlat = sites!.alat ?? Math.hypot(...cell![0]) / BOHR_IN_ANGSTROM;
  return positionsToStructure(cell!, sites!.species, sites!.rows, sites!.unit, positionAlat);
}
