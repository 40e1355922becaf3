/**
 * One entry point for writing structures in the formats `readStructure` reads: the format from an
 * output file name (the same names the readers recognise) or a name given by the user, and the
 * text of one or more structures in it.
 *
 * | format | name | written by | structures per file |
 * |---|---|---|---|
 * | `cif` | `*.cif` | {@link writeCif} (P1) | any (one data block each) |
 * | `poscar` | `POSCAR*`, `CONTCAR*`, `*.vasp`, `*.poscar` | {@link writePoscar} | one |
 * | `extxyz` | `*.extxyz`, `*.xyz` | {@link writeExtxyz} | any (one frame each) |
 * | `qe` | `*.in`, `*.pwi` | {@link writeQeInput} (pw.x input) | one |
 */
import type { Structure } from '../structure.js';
import { writeCif } from './cif.js';
import { writeExtxyz } from './extxyz.js';
import { writePoscar } from './poscar.js';
import { writeQeInput } from './qe-input-writer.js';
import { formatFromFileName } from './read-structure.js';

export const OUTPUT_FORMATS = ['cif', 'poscar', 'extxyz', 'qe'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const OUTPUT_FILE_NAMES_TEXT =
  '*.cif, POSCAR/CONTCAR/*.vasp/*.poscar, *.xyz/*.extxyz or *.in/*.pwi (pw.x input)';

/** Extension of a file written in each format when only the format is known (`--out-dir`). */
export const OUTPUT_EXTENSION: Readonly<Record<OutputFormat, string>> = {
  cif: '.cif',
  poscar: '.vasp',
  extxyz: '.extxyz',
  qe: '.pwi',
};

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

/** Output format from a file name; undefined when the name says nothing we can write (pw.x output included). */
export function outputFormatFromFileName(fileName: string): OutputFormat | undefined {
  const read = formatFromFileName(fileName);
  if (read === 'qe-input') return 'qe';
  return read === 'qe-output' ? undefined : read;
}

/** True when one file of `format` can hold several structures. */
export function holdsManyStructures(format: OutputFormat): boolean {
  return format === 'cif' || format === 'extxyz';
}

/**
 * The text of `structures` in `format`. POSCAR and pw.x input hold one structure: more is a
 * RangeError (write one file each).
 */
export function writeStructures(format: OutputFormat, structures: readonly Structure[]): string {
  if (structures.length !== 1 && !holdsManyStructures(format))
    throw new RangeError(`a ${format} file holds one structure, not ${structures.length}`);
  switch (format) {
    case 'cif':
      return structures.map((s) => writeCif(s)).join('\n');
    case 'poscar':
      return writePoscar(structures[0]!);
    case 'extxyz':
      return writeExtxyz(structures.map((structure) => ({ structure })));
    case 'qe':
      return writeQeInput(structures[0]!);
  }
}
