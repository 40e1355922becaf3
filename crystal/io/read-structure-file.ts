/**
 * File helpers over {@link readStructure}: read a path (gzip-compressed when it ends in `.gz`)
 * and parse it with the format chosen from its name or content. The only I/O in `crystal/`.
 * Every failure names the file: {@link StructureFileError} when it cannot be read as text,
 * `StructureParseError` (with the line) when the text is not a structure.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Structure } from '../structure.js';
import { readStructure, readStructures, type ReadStructureOptions } from './read-structure.js';
import { StructureFileError } from './structure-file-error.js';

/** What to say for the errors reading a file gives, by code. */
const READ_ERRORS: Readonly<Record<string, (path: string) => string>> = {
  ENOENT: (path) => `${path}: no such file (ENOENT; looked for ${resolve(path)}); check the path`,
  EISDIR: (path) => `${path} is a directory (EISDIR), not a structure file: pass one of the files in it`,
  EACCES: (path) => `${path}: permission denied (EACCES); make the file readable (chmod +r) or copy it`,
  ENOTDIR: (path) => `${path}: a part of the path is a file, not a directory (ENOTDIR); check the path`,
  Z_BUF_ERROR: (path) =>
    `${path}: cannot gunzip it (unexpected end of file): the compressed data is cut short ` +
    '(a partial download or copy); fetch or copy the file again',
  Z_DATA_ERROR: (path) =>
    `${path}: cannot gunzip it (not gzip data, or corrupt): fetch or copy the file again, or ` +
    'rename it without .gz if it is not compressed',
};

/**
 * The {@link StructureFileError} for an error that reading `path` raised (fs or zlib), naming the
 * file and the fix; used by every reader of files, streamed ones included.
 */
export function fileReadError(path: string, err: unknown): StructureFileError {
  if (err instanceof StructureFileError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code ?? 'EIO';
  const say = READ_ERRORS[code] ?? ((p: string) => `${p}: cannot read the file: ${(err as Error).message}`);
  return new StructureFileError(say(path), path, code, { cause: err });
}

/**
 * Text of a file, gunzipped when the name ends in `.gz` (or the bytes start with the gzip magic
 * number). Throws {@link StructureFileError} naming the file for a missing, unreadable, empty or
 * binary file and for a broken gzip stream.
 */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
    const gzipName = path.toLowerCase().endsWith('.gz');
    if (gzipName || (bytes[0] === 0x1f && bytes[1] === 0x8b)) bytes = gunzipSync(bytes);
  } catch (err) {
    throw fileReadError(path, err);
  }
  if (!bytes.some((b) => b > 0x20)) {
    throw new StructureFileError(
      `${path} is empty (${bytes.length} bytes of text): expected a structure (CIF, POSCAR, extended XYZ or pw.x file)`,
      path,
      'EMPTY',
    );
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    throw new StructureFileError(
      `${path} is not a text file (it holds NUL bytes): expected a CIF, POSCAR, extended XYZ or pw.x file` +
        ' (compressed files must be gzip, named *.gz)',
      path,
      'BINARY',
    );
  }
  return bytes.toString('utf8');
}

/** Reads one structure from a file (see {@link readStructure}). */
export async function readStructureFile(
  path: string,
  options: Omit<ReadStructureOptions, 'fileName'> = {},
): Promise<Structure> {
  return readStructure(await readTextFile(path), { ...options, fileName: path });
}

/** Reads every structure in a file (see {@link readStructures}). */
export async function readStructuresFile(
  path: string,
  options: Omit<ReadStructureOptions, 'fileName'> = {},
): Promise<Structure[]> {
  return readStructures(await readTextFile(path), { ...options, fileName: path });
}
