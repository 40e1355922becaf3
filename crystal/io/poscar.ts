/**
 * VASP POSCAR / CONTCAR reader and writer (VASP 5 layout, with a species line).
 *
 * Reading: the scale line is one factor (Å), a negative number (the target cell volume, Å³) or
 * three per-axis factors; coordinates are Direct (fractional) or Cartesian (Å, scaled);
 * "Selective dynamics" flags, trailing labels and any velocity block are ignored. Species labels
 * such as 'Li_sv' or 'Fe/abc123' (VASP 6 POTCAR hashes) are reduced to the element. A VASP 4 file
 * (no species line) is accepted only when the comment line names one element per count.
 */
import { Element, UnknownElementError } from '../elements.js';
import { det3, type Mat3, type Vec3 } from '../lattice.js';
import { Structure } from '../structure.js';
import { parseNumber, StructureParseError, type ReadOptions } from './structure-parse-error.js';

/** Reads a POSCAR or CONTCAR. Throws StructureParseError naming the line. */
export function readPoscar(text: string, options: ReadOptions = {}): Structure {
  const { source } = options;
  const lines = text.split(/\r\n|\r|\n/);
  let ln = 0; // index of the next line to read
  const fail = (msg: string, line = ln, field?: string): never => {
    throw new StructureParseError('poscar', msg, { source, line, field });
  };
  const next = (what: string): string[] => {
    const line = lines[ln];
    if (line === undefined || line.trim() === '') {
      fail(
        `expected the ${what}, found ${line === undefined ? 'the end of the file' : 'an empty line'}`,
        ln + 1,
      );
    }
    ln++;
    return line!.trim().split(/\s+/);
  };
  const numbers = (tokens: string[], count: number, what: string): number[] => {
    const xs = tokens.slice(0, count).map(parseNumber);
    if (tokens.length < count || xs.some((x) => !Number.isFinite(x))) {
      fail(`expected ${count} numbers for the ${what}, got ${JSON.stringify(tokens.join(' '))}`, ln, what);
    }
    return xs;
  };

  const comment = lines[ln++] ?? '';
  const scaleTokens = next('scale factor');
  const scaleCount =
    scaleTokens.length >= 3 && scaleTokens.slice(0, 3).every((t) => Number.isFinite(parseNumber(t))) ? 3 : 1;
  const scale = numbers(scaleTokens, scaleCount, 'scale factor');
  const raw = [0, 1, 2].map(() => numbers(next('lattice vectors'), 3, 'lattice vector')) as unknown as Mat3;

  let tokens = next('species or counts line');
  let symbols: string[];
  if (Number.isFinite(parseNumber(tokens[0]))) {
    symbols = comment.trim().split(/\s+/);
    const ok =
      symbols.length >= tokens.length && symbols.slice(0, tokens.length).every((s) => Element.isElement(s));
    if (!ok)
      fail('no species line (VASP 4 format) and the comment line does not list the elements', ln, 'species');
    symbols = symbols.slice(0, tokens.length);
  } else {
    symbols = tokens.map((t, k) => {
      try {
        return Element.fromLabel(t.split(/[_/.]/)[0]!);
      } catch (err) {
        if (!(err instanceof UnknownElementError)) throw err;
        return fail(`species ${k + 1} ${JSON.stringify(t)} is not an element`, ln, 'species');
      }
    });
    tokens = next('counts line');
  }
  const counts = tokens.slice(0, symbols.length).map(Number);
  if (counts.length !== symbols.length || counts.some((c) => !Number.isInteger(c) || c < 0)) {
    fail(
      `expected ${symbols.length} non-negative integer counts, got ${JSON.stringify(tokens.join(' '))}`,
      ln,
      'counts',
    );
  }
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) fail('the counts add up to zero atoms', ln, 'counts');

  let mode = next('coordinate mode line')[0] ?? '';
  if (/^s/i.test(mode)) mode = next('coordinate mode line')[0] ?? '';
  const cartesian = /^[ck]/i.test(mode);

  let lattice: Mat3;
  let posScale: Vec3;
  if (scaleCount === 3) {
    if (scale.some((x) => x <= 0)) fail('per-axis scale factors must be positive', 2, 'scale factor');
    lattice = raw.map((r) => [r[0] * scale[0]!, r[1] * scale[1]!, r[2] * scale[2]!]) as unknown as Mat3;
    posScale = scale as unknown as Vec3;
  } else {
    const v0 = Math.abs(det3(raw));
    if (!(v0 > 0)) fail('lattice vectors are linearly dependent (zero volume)', 3, 'lattice vector');
    const s = scale[0]! < 0 ? Math.cbrt(-scale[0]! / v0) : scale[0]!;
    if (s === 0) fail('scale factor is 0', 2, 'scale factor');
    lattice = raw.map((r) => r.map((x) => x * s)) as unknown as Mat3;
    posScale = [s, s, s];
  }

  const species: string[] = [];
  const coords: Vec3[] = [];
  symbols.forEach((el, k) => {
    for (let c = 0; c < counts[k]!; c++) {
      const x = numbers(next(`position of atom ${species.length + 1}`), 3, 'position') as unknown as Vec3;
      species.push(el);
      coords.push(cartesian ? [x[0] * posScale[0], x[1] * posScale[1], x[2] * posScale[2]] : x);
    }
  });
  return cartesian
    ? Structure.fromCartesian(lattice, species, coords)
    : Structure.create(lattice, species, coords);
}

/**
 * Writes a VASP 5 POSCAR: scale 1.0, lattice in Å, species line, counts, Direct coordinates.
 * Sites keep their order, so interleaved species give repeated species blocks (e.g. 'O Si O');
 * the POTCAR must then repeat its entries the same way.
 *
 * ```
 * Si2
 * 1.0
 *    0.0000000000    2.7150000000    2.7150000000
 *    ...
 * Si
 * 2
 * Direct
 *   0.0000000000  0.0000000000  0.0000000000
 *   0.2500000000  0.2500000000  0.2500000000
 * ```
 */
export function writePoscar(s: Structure, options: { readonly comment?: string } = {}): string {
  const runs: [string, number][] = [];
  for (const el of s.species) {
    const last = runs[runs.length - 1];
    if (last && last[0] === el) last[1]++;
    else runs.push([el, 1]);
  }
  const num = (x: number) => (Math.abs(x) < 5e-11 ? 0 : x).toFixed(10);
  const comment = options.comment ?? runs.map(([el, c]) => `${el}${c}`).join('');
  return (
    [
      comment.replace(/[\r\n]+/g, ' '),
      '1.0',
      ...s.lattice.map((r) => r.map((x) => num(x).padStart(16)).join('')),
      runs.map(([el]) => el.padStart(4)).join(''),
      runs.map(([, c]) => String(c).padStart(4)).join(''),
      'Direct',
      ...s.fracCoords.map((f) => f.map((x) => num(x).padStart(14)).join('')),
    ].join('\n') + '\n'
  );
}
