/**
 * File helpers over {@link readStructure}: read a path (gzip-compressed when it ends in `.gz`)
 * and parse it with the format chosen from its name or content. The only I/O in `crystal/`.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Structure } from '../structure.js';
import { readStructure, readStructures, type ReadStructureOptions } from './read-structure.js';

/** Text of a file, gunzipped when the name ends in `.gz`. */
export async function readTextFile(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.toLowerCase().endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
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
