/**
 * Symmetry operations in crystallographic "xyz" notation ('-x+1/2, y, -z', 'x-y, x, z+1/3'),
 * acting on fractional coordinates: f' = R·f + t.
 */
import type { Mat3, Vec3 } from '../lattice.js';

export interface SymmetryOperation {
  /** Row k gives output coordinate k as a combination of (x, y, z). */
  readonly rotation: Mat3;
  /** Fractional translation. */
  readonly translation: Vec3;
}

const AXIS: Readonly<Record<string, number>> = { x: 0, y: 1, z: 2 };

function parseNumberOrFraction(s: string): number {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(?:\/(\d+(?:\.\d*)?))?$/.exec(s);
  if (!m) return Number.NaN;
  return m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
}

/**
 * Parses 'x, y, z'-style text (case-insensitive, spaces ignored; coefficients like '2x', '2*x',
 * '1/2x' and constants like '1/2', '0.5' allowed). Throws a SyntaxError that quotes the text.
 */
export function parseSymmetryOperation(text: string): SymmetryOperation {
  const parts = text.toLowerCase().replace(/\s+/g, '').split(',');
  const bad = (why: string): never => {
    throw new SyntaxError(`symmetry operation ${JSON.stringify(text)}: ${why}`);
  };
  if (parts.length !== 3) bad(`expected 3 comma-separated components, got ${parts.length}`);
  const rotation: number[][] = [];
  const translation: number[] = [];
  for (const part of parts) {
    const row = [0, 0, 0];
    let t = 0;
    if (part === '') bad('empty component');
    const terms = part.match(/[+-]?[^+-]+/g) ?? [];
    if (terms.join('') !== part) bad(`cannot read ${JSON.stringify(part)}`);
    for (const term of terms) {
      const sign = term.startsWith('-') ? -1 : 1;
      const body = term.replace(/^[+-]/, '');
      const axes = body.match(/[xyz]/g);
      if (axes) {
        if (axes.length > 1) bad(`cannot read term ${JSON.stringify(term)}`);
        const axis = axes[0]!;
        // '2x', '2*x', '1/2x', 'x/2' and 'x' -> coefficient text '2', '2', '1/2', '/2', ''.
        const coefText = body.replace(axis, '').replace('*', '');
        const coef =
          coefText === '' ? 1 : parseNumberOrFraction(coefText.startsWith('/') ? `1${coefText}` : coefText);
        if (!Number.isFinite(coef)) bad(`cannot read term ${JSON.stringify(term)}`);
        row[AXIS[axis]!]! += sign * coef;
      } else {
        const v = parseNumberOrFraction(body);
        if (!Number.isFinite(v)) bad(`cannot read term ${JSON.stringify(term)}`);
        t += sign * v;
      }
    }
    rotation.push(row);
    translation.push(t);
  }
  return Object.freeze({
    rotation: rotation as unknown as Mat3,
    translation: translation as unknown as Vec3,
  });
}

/** f' = R·f + t (not wrapped). */
export function applySymmetryOperation(op: SymmetryOperation, f: Vec3): Vec3 {
  const r = op.rotation;
  const t = op.translation;
  return [
    r[0][0] * f[0] + r[0][1] * f[1] + r[0][2] * f[2] + t[0],
    r[1][0] * f[0] + r[1][1] * f[1] + r[1][2] * f[2] + t[1],
    r[2][0] * f[0] + r[2][1] * f[1] + r[2][2] * f[2] + t[2],
  ];
}
