/**
 * One entry point for structure text in any supported format: picks the reader from the file
 * name, or failing that from the content, and names the file and the supported formats when it
 * cannot tell.
 *
 * | format | file names | content sniffed by |
 * |---|---|---|
 * | CIF | `*.cif` | a `data_` line and `_cell_length_a` |
 * | POSCAR/CONTCAR | `POSCAR*`, `CONTCAR*`, `*.vasp`, `*.poscar` | scale line + 3 lattice rows |
 * | extended XYZ | `*.extxyz`, `*.xyz` | atom count line, then `Lattice=` |
 * | pw.x input | `*.in`, `*.pwi` | `&system` namelist |
 * | pw.x output | `*.pwo`, `*.out` | "Program PWSCF" banner |
 */
import type { Structure } from '../structure.js';
import { readCif, readCifAll } from './cif.js';
import { readExtxyz } from './extxyz.js';
import { readPoscar } from './poscar.js';
import { readQeInput } from './qe-input.js';
import { readQeOutput } from './qe-output.js';
import { StructureParseError, type StructureFormat } from './structure-parse-error.js';

export const SUPPORTED_FORMATS_TEXT =
  'CIF (*.cif), POSCAR/CONTCAR (POSCAR*, CONTCAR*, *.vasp), extended XYZ (*.extxyz, *.xyz), ' +
  'Quantum ESPRESSO pw.x input (*.in, *.pwi) and output (*.pwo, *.out)';

/** Options of {@link readStructure}. */
export interface ReadStructureOptions {
  /** File name (a path is fine); used to pick the format and quoted in errors. */
  readonly fileName?: string;
  /** Skip detection and use this format. */
  readonly format?: StructureFormat;
}

/** Format from a file name alone (a trailing `.gz` is ignored); undefined when the name says nothing. */
export function formatFromFileName(fileName: string): StructureFormat | undefined {
  const base = (fileName.split(/[\\/]/).pop() ?? '').replace(/\.gz$/i, '');
  const lower = base.toLowerCase();
  if (lower.endsWith('.cif')) return 'cif';
  if (/^(poscar|contcar)/i.test(base) || lower.endsWith('.vasp') || lower.endsWith('.poscar'))
    return 'poscar';
  if (lower.endsWith('.extxyz') || lower.endsWith('.xyz')) return 'extxyz';
  if (lower.endsWith('.pwi') || lower.endsWith('.in')) return 'qe-input';
  if (lower.endsWith('.pwo')) return 'qe-output';
  // '*.out' is too common a suffix to trust: pw.x output is recognised by its banner instead.
  return undefined;
}

/** Format from the content; undefined when nothing matches. */
export function formatFromContent(text: string): StructureFormat | undefined {
  const head = text.slice(0, 20000);
  if (/Program PWSCF/.test(head)) return 'qe-output';
  if (/^\s*&system\b/im.test(head)) return 'qe-input';
  if (/^\s*data_\S*/m.test(head) && /^\s*_cell_length_a\b/im.test(head)) return 'cif';
  const lines = head.split(/\r\n|\r|\n/);
  const firstUsed = lines.findIndex((l) => l.trim() !== '');
  if (
    firstUsed >= 0 &&
    /^\s*\d+\s*$/.test(lines[firstUsed]!) &&
    /Lattice\s*=/.test(lines[firstUsed + 1] ?? '')
  )
    return 'extxyz';
  const isNumbers = (l: string | undefined, n: number) => {
    const t = (l ?? '').trim().split(/\s+/);
    return t.length >= n && t.slice(0, n).every((x) => Number.isFinite(Number(x)));
  };
  if (isNumbers(lines[1], 1) && isNumbers(lines[2], 3) && isNumbers(lines[3], 3) && isNumbers(lines[4], 3))
    return 'poscar';
  return undefined;
}

function detect(text: string, options: ReadStructureOptions): StructureFormat {
  const name = options.fileName;
  let format = options.format ?? (name ? formatFromFileName(name) : undefined);
  if (!format) format = formatFromContent(text);
  if (!format) {
    throw new StructureParseError(
      'unknown',
      `cannot tell the format of ${name ? JSON.stringify(name) : 'the input'}: supported formats are ${SUPPORTED_FORMATS_TEXT}`,
      { source: name },
    );
  }
  return format;
}

/**
 * Reads every structure in the text: all CIF data blocks, all extended-XYZ frames, or the single
 * structure of the other formats (the last one printed, for pw.x output).
 */
export function readStructures(text: string, options: ReadStructureOptions = {}): Structure[] {
  const format = detect(text, options);
  const ro = { source: options.fileName };
  switch (format) {
    case 'cif': {
      const all = readCifAll(text, ro).map((e) => e.structure);
      // No block lists sites: readCif throws the error that says which tag is missing.
      return all.length > 0 ? all : [readCif(text, ro)];
    }
    case 'extxyz':
      return readExtxyz(text, ro).map((f) => f.structure);
    default:
      return [readStructure(text, { ...options, format })];
  }
}

/** Reads one structure: the first CIF block with sites, the first extxyz frame, or the file's structure. */
export function readStructure(text: string, options: ReadStructureOptions = {}): Structure {
  const format = detect(text, options);
  const ro = { source: options.fileName };
  switch (format) {
    case 'cif':
      return readCif(text, ro);
    case 'poscar':
      return readPoscar(text, ro);
    case 'extxyz':
      return readExtxyz(text, ro)[0]!.structure;
    case 'qe-input':
      return readQeInput(text, ro);
    case 'qe-output':
      return readQeOutput(text, ro);
  }
}
