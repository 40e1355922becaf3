/**
 * Extended XYZ (ASE conventions), reader and writer, for periodic frames with DFT labels.
 *
 * Each frame is a count line, a comment line of key=value pairs, and one line per atom whose
 * columns are described by `Properties=name:type:ncols:...` (types S string, R real, I integer,
 * L logical; default `species:S:1:pos:R:3`). Recognised: `Lattice="ax ay az bx by bz cx cy cz"`
 * (Å, rows are vectors), `pbc="T T T"`, `energy` (eV), per-atom `forces` (eV/Å) and `stress`
 * (eV/Å³, ASE sign: positive = tensile; 9 values row-major, or 6 in Voigt order xx yy zz yz xz xy).
 * Every other key lands in `info`, every other column in `arrays`.
 *
 * ```
 * 2
 * Lattice="0 2.715 2.715 2.715 0 2.715 2.715 2.715 0" Properties=species:S:1:pos:R:3:forces:R:3 energy=-10.8 pbc="T T T"
 * Si 0.0 0.0 0.0 0.0 0.0 0.0
 * Si 1.3575 1.3575 1.3575 0.0 0.0 0.0
 * ```
 */
import { Element } from '../elements.js';
import { det3, type Mat3, type Vec3 } from '../lattice.js';
import { Structure } from '../structure.js';
import { parseComment, formatInfoValue, type ExtxyzValue } from './extxyz-comment.js';
import { parseNumber, StructureParseError, type ReadOptions } from './structure-parse-error.js';

export type { ExtxyzValue } from './extxyz-comment.js';

/** Values of one per-atom column: one entry per atom, each with the column's ncols values. */
export type ExtxyzColumn = readonly (readonly (string | number | boolean)[])[];

/** One frame: the structure (positions wrapped into the cell) and its labels. */
export interface ExtxyzFrame {
  readonly structure: Structure;
  /** Total energy of the cell, eV. */
  readonly energy?: number;
  /** Per-atom forces, eV/Å, in the structure's site order. */
  readonly forces?: readonly Vec3[];
  /** Stress tensor, eV/Å³, ASE sign (positive = tensile). */
  readonly stress?: Mat3;
  readonly pbc: readonly [boolean, boolean, boolean];
  /** Other comment-line key=value pairs (e.g. config_type, virial_stress_kbar). */
  readonly info: Readonly<Record<string, ExtxyzValue>>;
  /** Other per-atom columns from Properties. */
  readonly arrays: Readonly<Record<string, ExtxyzColumn>>;
}

/** What {@link writeExtxyz} needs; all labels optional. */
export interface ExtxyzFrameInput {
  readonly structure: Structure;
  readonly energy?: number;
  readonly forces?: readonly Vec3[];
  readonly stress?: Mat3;
  readonly pbc?: readonly [boolean, boolean, boolean];
  readonly info?: Readonly<Record<string, ExtxyzValue>>;
}

interface Column {
  readonly name: string;
  readonly type: 'S' | 'R' | 'I' | 'L';
  readonly count: number;
}

function parseProperties(spec: string, fail: (msg: string) => never): Column[] {
  const parts = spec.split(':');
  if (parts.length % 3 !== 0) fail(`Properties=${spec} is not a list of name:type:count triples`);
  const cols: Column[] = [];
  for (let k = 0; k < parts.length; k += 3) {
    const [name, type, count] = [parts[k]!, parts[k + 1]!.toUpperCase(), Number(parts[k + 2])];
    if (!['S', 'R', 'I', 'L'].includes(type) || !Number.isInteger(count) || count < 1) {
      fail(`Properties entry ${name}:${parts[k + 1]}:${parts[k + 2]} has a bad type or count`);
    }
    cols.push({ name, type: type as Column['type'], count });
  }
  return cols;
}

/** Reads every frame. Throws StructureParseError naming the line (and frame). */
export function readExtxyz(text: string, options: ReadOptions = {}): ExtxyzFrame[] {
  const { source } = options;
  const lines = text.split(/\r\n|\r|\n/);
  const frames: ExtxyzFrame[] = [];
  let ln = 0;
  while (ln < lines.length) {
    if (lines[ln]!.trim() === '') {
      ln++;
      continue;
    }
    const frameNo = frames.length + 1;
    const at = (line: number, field?: string) => ({ source, line, field });
    const fail = (msg: string, line: number, field?: string): never => {
      throw new StructureParseError('extxyz', `frame ${frameNo}: ${msg}`, at(line, field));
    };
    const countLine = ln + 1;
    const n = Number(lines[ln]!.trim());
    if (!Number.isInteger(n) || n <= 0)
      fail(`expected a positive atom count, got ${JSON.stringify(lines[ln])}`, countLine);
    if (ln + 1 >= lines.length) fail('file ends before the comment line', countLine + 1);
    const commentLine = ln + 2;
    let pairs: Map<string, ExtxyzValue>;
    try {
      pairs = parseComment(lines[ln + 1]!);
    } catch (err) {
      return fail((err as Error).message, commentLine);
    }
    const failC = (msg: string, field: string): never => fail(msg, commentLine, field);
    const lattice = pairs.get('Lattice');
    if (lattice === undefined) failC('no Lattice="..." key: only periodic frames are supported', 'Lattice');
    if (!Array.isArray(lattice) || lattice.length !== 9 || !lattice.every((x) => typeof x === 'number')) {
      failC(`Lattice must hold 9 numbers, got ${JSON.stringify(lattice)}`, 'Lattice');
    }
    const L = lattice as number[];
    const cell: Mat3 = [
      [L[0]!, L[1]!, L[2]!],
      [L[3]!, L[4]!, L[5]!],
      [L[6]!, L[7]!, L[8]!],
    ];
    // Cartesian positions need L⁻¹: a singular lattice must fail here, with the file and line.
    if (!(Math.abs(det3(cell)) > 1e-6))
      failC(
        `Lattice ${JSON.stringify(L.join(' '))} has zero volume (its vectors are linearly dependent)`,
        'Lattice',
      );
    const props = pairs.get('Properties') ?? 'species:S:1:pos:R:3';
    const cols = parseProperties(String(props), (msg) => failC(msg, 'Properties'));
    const width = cols.reduce((a, c) => a + c.count, 0);
    const species = cols.find((c) => c.name === 'species' && c.type === 'S' && c.count === 1);
    const pos = cols.find((c) => c.name === 'pos' && c.type === 'R' && c.count === 3);
    if (!species || !pos) failC(`Properties=${String(props)} lacks species:S:1 or pos:R:3`, 'Properties');

    const values = new Map<string, (string | number | boolean)[][]>(cols.map((c) => [c.name, []]));
    for (let a = 0; a < n; a++) {
      const lineNo = ln + 3 + a;
      const raw = lines[lineNo - 1];
      if (raw === undefined || raw.trim() === '') fail(`expected ${n} atom lines, found ${a}`, lineNo);
      const tok = raw!.trim().split(/\s+/);
      if (tok.length !== width)
        fail(`atom line has ${tok.length} columns, Properties describes ${width}`, lineNo);
      let t = 0;
      for (const c of cols) {
        const row: (string | number | boolean)[] = [];
        for (let k = 0; k < c.count; k++, t++) {
          const s = tok[t]!;
          if (c.type === 'S') row.push(s);
          else if (c.type === 'L') {
            if (!/^(T|F|True|False)$/i.test(s))
              fail(`column ${c.name}: ${JSON.stringify(s)} is not T or F`, lineNo, c.name);
            row.push(/^t/i.test(s));
          } else {
            const x = parseNumber(s);
            if (!Number.isFinite(x) || (c.type === 'I' && !Number.isInteger(x))) {
              fail(
                `column ${c.name}: ${JSON.stringify(s)} is not ${c.type === 'I' ? 'an integer' : 'a number'}`,
                lineNo,
                c.name,
              );
            }
            row.push(x);
          }
        }
        values.get(c.name)!.push(row);
      }
      const el = tok[0 + cols.slice(0, cols.indexOf(species!)).reduce((x, c) => x + c.count, 0)]!;
      if (!Element.isElement(el)) fail(`${JSON.stringify(el)} is not an element symbol`, lineNo, 'species');
    }
    ln += 2 + n;

    const symbols = values.get('species')!.map((r) => r[0] as string);
    const positions = values.get('pos')! as unknown as Vec3[];
    const structure = Structure.fromCartesian(cell, symbols, positions);
    const forcesCol = cols.find((c) => c.name === 'forces' && c.type === 'R' && c.count === 3);
    const arrays: Record<string, ExtxyzColumn> = {};
    for (const c of cols)
      if (c !== species && c !== pos && c !== forcesCol) arrays[c.name] = values.get(c.name)!;

    const info: Record<string, ExtxyzValue> = {};
    let energy: number | undefined;
    let stress: Mat3 | undefined;
    let pbc: [boolean, boolean, boolean] = [true, true, true];
    for (const [key, v] of pairs) {
      if (key === 'Lattice' || key === 'Properties') continue;
      if (key === 'energy') {
        if (typeof v !== 'number') failC(`energy must be a number, got ${JSON.stringify(v)}`, key);
        energy = v as number;
      } else if (key === 'stress') {
        stress = toStress(v, (msg) => failC(msg, key));
      } else if (key === 'pbc') {
        const b = Array.isArray(v) ? v : [v];
        if (b.length !== 3 || !b.every((x) => typeof x === 'boolean'))
          failC(`pbc must be 3 of T/F, got ${JSON.stringify(v)}`, key);
        pbc = b as [boolean, boolean, boolean];
      } else info[key] = v;
    }
    frames.push(
      Object.freeze({
        structure,
        ...(energy !== undefined ? { energy } : {}),
        ...(forcesCol ? { forces: values.get('forces') as unknown as Vec3[] } : {}),
        ...(stress ? { stress } : {}),
        pbc,
        info,
        arrays,
      }),
    );
  }
  if (frames.length === 0) throw new StructureParseError('extxyz', 'no frames found', { source, line: 1 });
  return frames;
}

function toStress(v: ExtxyzValue, fail: (msg: string) => never): Mat3 {
  const xs = Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : [];
  if (xs.length === 9) {
    return [
      [xs[0]!, xs[1]!, xs[2]!],
      [xs[3]!, xs[4]!, xs[5]!],
      [xs[6]!, xs[7]!, xs[8]!],
    ];
  }
  if (xs.length === 6) {
    const [xx, yy, zz, yz, xz, xy] = xs as [number, number, number, number, number, number];
    return [
      [xx, xy, xz],
      [xy, yy, yz],
      [xz, yz, zz],
    ];
  }
  return fail(`stress must hold 9 (3×3) or 6 (Voigt) numbers, got ${JSON.stringify(v)}`);
}

/**
 * Writes frames in ASE's layout: Lattice, Properties (forces column when given), energy, stress
 * (9 values), pbc, then `info`. Positions are Cartesian (Å) with 10 decimals.
 */
export function writeExtxyz(frames: readonly ExtxyzFrameInput[]): string {
  const out: string[] = [];
  for (const [k, frame] of frames.entries()) {
    const s = frame.structure;
    const n = s.species.length;
    if (frame.forces && frame.forces.length !== n) {
      throw new RangeError(`frame ${k + 1}: ${frame.forces.length} forces for ${n} atoms`);
    }
    const pairs: string[] = [
      `Lattice=${formatInfoValue(s.lattice.flat())}`,
      `Properties=species:S:1:pos:R:3${frame.forces ? ':forces:R:3' : ''}`,
    ];
    if (frame.energy !== undefined) pairs.push(`energy=${formatInfoValue(frame.energy)}`);
    if (frame.stress) pairs.push(`stress=${formatInfoValue(frame.stress.flat())}`);
    pairs.push(`pbc=${formatInfoValue([...(frame.pbc ?? [true, true, true])])}`);
    for (const [key, v] of Object.entries(frame.info ?? {})) {
      if (['Lattice', 'Properties', 'energy', 'stress', 'pbc'].includes(key)) continue;
      if (!/^[A-Za-z_][\w.-]*$/.test(key))
        throw new RangeError(`frame ${k + 1}: info key ${JSON.stringify(key)} is not a plain name`);
      pairs.push(`${key}=${formatInfoValue(v)}`);
    }
    out.push(String(n), pairs.join(' '));
    const cart = Structure.cartCoords(s);
    const fmt = (x: number) => (Math.abs(x) < 5e-11 ? 0 : x).toFixed(10).padStart(16);
    for (let i = 0; i < n; i++) {
      const cols = [...cart[i]!, ...(frame.forces ? frame.forces[i]! : [])].map(fmt).join('');
      out.push(`${s.species[i]!.padEnd(3)}${cols}`);
    }
  }
  return out.join('\n') + '\n';
}
