/**
 * The one error the structure readers throw for malformed input (STYLE.md E1/E4): it names the
 * format, the source (file name, when the caller gave one), the 1-based line and the field.
 */

/** Formats the readers understand; `read-structure.ts` picks one from a file name or content. */
export const StructureFormat = {
  Cif: 'cif',
  Poscar: 'poscar',
  Extxyz: 'extxyz',
  QeInput: 'qe-input',
  QeOutput: 'qe-output',
} as const;
export type StructureFormat = (typeof StructureFormat)[keyof typeof StructureFormat];

/** Where in the input a problem was found. All fields optional; more is better. */
export interface ParseLocation {
  /** File name or other label of the text, as passed by the caller. */
  readonly source?: string;
  /** 1-based line number. */
  readonly line?: number;
  /** Field, tag or key being read, e.g. '_cell_length_a' or 'Lattice'. */
  readonly field?: string;
}

/** Raised when text cannot be read as a structure in the given (or detected) format. */
export class StructureParseError extends Error {
  override readonly name = 'StructureParseError';
  readonly source: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(
    readonly format: StructureFormat | 'unknown',
    detail: string,
    where: ParseLocation = {},
    options?: { cause?: unknown },
  ) {
    const place = [where.source, where.line !== undefined ? `line ${where.line}` : undefined]
      .filter(Boolean)
      .join(', ');
    const field = where.field ? ` (${where.field})` : '';
    super(`${format}${place ? ` [${place}]` : ''}${field}: ${detail}`, options);
    this.source = where.source;
    this.line = where.line;
    this.field = where.field;
  }
}

/** Options every reader takes. */
export interface ReadOptions {
  /** Name of the input (usually the file name), quoted in errors. */
  readonly source?: string;
}

/** Parses a number in the usual float syntaxes, Fortran 'd' exponents included; NaN when not one. */
export function parseNumber(token: string | undefined): number {
  if (token === undefined) return Number.NaN;
  const t = token.trim().replace(/[dD]/, 'e');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number.NaN;
  return Number(t);
}
