/**
 * Reads the structure of a Quantum ESPRESSO pw.x input: `&system` (ibrav, nat, celldm(1) or A),
 * `ATOMIC_SPECIES`, `CELL_PARAMETERS {angstrom|bohr|alat}` and
 * `ATOMIC_POSITIONS {crystal|angstrom|bohr|alat}`. Only `ibrav = 0` is supported: other Bravais
 * indices define the cell through celldm/A..cosAB formulas this reader does not reproduce.
 * Comments ('!' and '#') and Fortran 'd' exponents are understood; `if_pos` flags are ignored.
 */
import type { Vec3 } from '../lattice.js';
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

const CARDS = new Set([
  'ATOMIC_SPECIES',
  'ATOMIC_POSITIONS',
  'K_POINTS',
  'CELL_PARAMETERS',
  'OCCUPATIONS',
  'CONSTRAINTS',
  'ATOMIC_VELOCITIES',
  'ATOMIC_FORCES',
  'ADDITIONAL_K_POINTS',
  'SOLVENTS',
  'HUBBARD',
]);

interface Line {
  readonly text: string;
  readonly no: number;
}

/** Removes '!' and '#' comments outside quotes. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '!' || c === '#') return line.slice(0, i);
  }
  return line;
}

/** A number or a simple fraction ('1/3'), as pw.x accepts in positions. */
function qeNumber(token: string | undefined): number {
  const m = /^([^/]+)\/([^/]+)$/.exec(token ?? '');
  return m ? parseNumber(m[1]) / parseNumber(m[2]) : parseNumber(token);
}

/** Reads a pw.x input file's structure. Throws StructureParseError naming the line or field. */
export function readQeInput(text: string, options: ReadOptions = {}): Structure {
  const { source } = options;
  const fail = (msg: string, line?: number, field?: string): never => {
    throw new StructureParseError('qe-input', msg, { source, line, field });
  };
  const lines: Line[] = text.split(/\r\n|\r|\n/).map((t, i) => ({ text: stripComment(t), no: i + 1 }));
  const namelist = new Map<string, { value: string; line: number }>();
  const cards = new Map<string, { header: Line; body: Line[] }>();
  let current: { header: Line; body: Line[] } | undefined;
  let inNamelist = false;
  for (const line of lines) {
    const t = line.text.trim();
    if (t === '') continue;
    if (inNamelist || t.startsWith('&')) {
      const body = inNamelist ? t : t.replace(/^&\S*/, '');
      inNamelist = true;
      let quote = '';
      let end = body.length;
      for (let i = 0; i < body.length; i++) {
        const c = body[i]!;
        if (quote) quote = c === quote ? '' : quote;
        else if (c === "'" || c === '"') quote = c;
        else if (c === '/') {
          end = i;
          inNamelist = false;
          break;
        }
      }
      const re = /([A-Za-z_]\w*(?:\(\s*\d+\s*(?:,\s*\d+\s*)*\))?)\s*=\s*('[^']*'|"[^"]*"|[^,\s]+)/g;
      for (const m of body.slice(0, end).matchAll(re)) {
        namelist.set(m[1]!.replace(/\s+/g, '').toLowerCase(), {
          value: m[2]!.replace(/^['"]|['"]$/g, ''),
          line: line.no,
        });
      }
      continue;
    }
    const name = t.split(/[\s{(]/)[0]!.toUpperCase();
    if (CARDS.has(name)) {
      current = { header: line, body: [] };
      cards.set(name, current);
    } else if (current) current.body.push(line);
    else fail(`unexpected text ${JSON.stringify(t)} outside any namelist or card`, line.no);
  }

  const num = (key: string): number | undefined => {
    const v = namelist.get(key);
    if (!v) return undefined;
    const x = parseNumber(v.value);
    if (!Number.isFinite(x)) fail(`${key} = ${JSON.stringify(v.value)} is not a number`, v.line, key);
    return x;
  };
  const ibrav = num('ibrav');
  if (ibrav === undefined) fail('&system has no ibrav', undefined, 'ibrav');
  if (ibrav !== 0) {
    fail(
      `ibrav = ${ibrav} is not supported: give the cell as CELL_PARAMETERS with ibrav = 0`,
      namelist.get('ibrav')!.line,
      'ibrav',
    );
  }
  const nat = num('nat');
  if (nat === undefined || !Number.isInteger(nat) || nat <= 0)
    fail('&system needs nat, a positive integer', namelist.get('nat')?.line, 'nat');
  const celldm1 = num('celldm(1)');
  const aAngstrom = num('a');
  if (celldm1 !== undefined && aAngstrom !== undefined)
    fail('both celldm(1) and A are set; give only one', namelist.get('a')!.line, 'A');
  const alatBohr = celldm1 ?? (aAngstrom !== undefined ? aAngstrom / BOHR_IN_ANGSTROM : undefined);

  const cellCard = cards.get('CELL_PARAMETERS');
  if (!cellCard) fail('no CELL_PARAMETERS card (required with ibrav = 0)', undefined, 'CELL_PARAMETERS');
  const cellUnit = cardUnit(cellCard!.header.text).unit || (alatBohr !== undefined ? 'alat' : 'bohr');
  if (!['angstrom', 'bohr', 'alat'].includes(cellUnit))
    fail(
      `CELL_PARAMETERS unit ${JSON.stringify(cellUnit)} is not angstrom, bohr or alat`,
      cellCard!.header.no,
      'CELL_PARAMETERS',
    );
  if (cellUnit === 'alat' && alatBohr === undefined)
    fail('CELL_PARAMETERS alat needs celldm(1) or A in &system', cellCard!.header.no, 'CELL_PARAMETERS');
  const cellRows = cellCard!.body.slice(0, 3).map((l) => {
    const xs = l.text.trim().split(/\s+/).slice(0, 3).map(qeNumber);
    if (xs.length < 3 || xs.some((x) => !Number.isFinite(x)))
      fail(
        `expected 3 numbers in a CELL_PARAMETERS row, got ${JSON.stringify(l.text.trim())}`,
        l.no,
        'CELL_PARAMETERS',
      );
    return xs as unknown as Vec3;
  });
  if (cellRows.length < 3) fail('CELL_PARAMETERS needs 3 rows', cellCard!.header.no, 'CELL_PARAMETERS');
  const cell = cellToAngstrom(cellRows, cellUnit as CellUnit, alatBohr);

  // Species labels -> elements, from ATOMIC_SPECIES (label, mass, pseudopotential file).
  const labelElement = new Map<string, string>();
  for (const l of cards.get('ATOMIC_SPECIES')?.body ?? []) {
    const [label, , pseudo] = l.text.trim().split(/\s+/);
    const el = elementOfLabel(label!) ?? elementOfLabel(pseudo ?? '');
    if (!el) fail(`species ${JSON.stringify(label)} names no element`, l.no, 'ATOMIC_SPECIES');
    labelElement.set(label!, el!);
  }

  const posCard = cards.get('ATOMIC_POSITIONS');
  if (!posCard) fail('no ATOMIC_POSITIONS card', undefined, 'ATOMIC_POSITIONS');
  const posUnit = cardUnit(posCard!.header.text).unit || 'alat';
  if (!['crystal', 'angstrom', 'bohr', 'alat'].includes(posUnit)) {
    fail(
      `ATOMIC_POSITIONS unit ${JSON.stringify(posUnit)} is not supported (crystal, angstrom, bohr, alat)`,
      posCard!.header.no,
      'ATOMIC_POSITIONS',
    );
  }
  if (posCard!.body.length < nat!)
    fail(
      `ATOMIC_POSITIONS has ${posCard!.body.length} lines but nat = ${nat}`,
      posCard!.header.no,
      'ATOMIC_POSITIONS',
    );
  const species: string[] = [];
  const rows: Vec3[] = [];
  for (const l of posCard!.body.slice(0, nat)) {
    const tok = l.text.trim().split(/\s+/);
    const el = labelElement.size ? labelElement.get(tok[0]!) : elementOfLabel(tok[0]!);
    if (!el)
      fail(`species ${JSON.stringify(tok[0])} is not listed in ATOMIC_SPECIES`, l.no, 'ATOMIC_POSITIONS');
    const xs = tok.slice(1, 4).map(qeNumber);
    if (xs.length < 3 || xs.some((x) => !Number.isFinite(x)))
      fail(`expected a label and 3 numbers, got ${JSON.stringify(l.text.trim())}`, l.no, 'ATOMIC_POSITIONS');
    species.push(el!);
    rows.push(xs as unknown as Vec3);
  }
  // Without celldm(1) or A, pw.x takes alat to be the length of the first lattice vector.
  const positionAlat = alatBohr ?? Math.hypot(...cell[0]) / BOHR_IN_ANGSTROM;
  return positionsToStructure(cell, species, rows, posUnit as PositionUnit, positionAlat);
}
