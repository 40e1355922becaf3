/**
 * Reads reference phases from files: CDVAE-style dataset CSVs (MP-20, Perov-5, Carbon-24; `.gz`
 * allowed) with a `cif` column, CIF files, and extended XYZ files. Each record carries the line it
 * came from, so a rejected row can be reported with its line number without stopping the import.
 */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readCif, readCifAll } from '../crystal/io/cif.js';
import { readExtxyz } from '../crystal/io/extxyz.js';
import { fileReadError, readTextFile } from '../crystal/io/read-structure-file.js';
import type { Structure } from '../crystal/structure.js';

export interface ReferenceRecord {
  readonly line: number;
  readonly externalId: string;
  /** Lazily parsed: a parse error rejects this record only. */
  readonly structure: () => Structure;
  /** eV/atom, when the source reports it. */
  readonly formationEnergyPerAtomEv: number | null;
  readonly eAboveHullEvPerAtom: number | null;
}

/** Input rows that could not even be read as records (e.g. a CSV row without a cif). */
export interface RejectedRecord {
  readonly line: number;
  readonly externalId: string | null;
  readonly reason: string;
}

/** How far below zero an energy above the hull may round, eV/atom (a hull vertex printed as -0.0000001). */
export const E_ABOVE_HULL_TOLERANCE_EV_PER_ATOM = 1e-6;

function optionalNumber(text: string | undefined, field: string): number | null {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`column ${field}: '${text}' is not a finite number`);
  return value;
}

/** An energy above the hull: finite, and ≥ 0 within the tolerance (a phase cannot sit below its hull). */
function optionalEAboveHull(text: string | undefined, field: string): number | null {
  const value = optionalNumber(text, field);
  if (value !== null && value < -E_ABOVE_HULL_TOLERANCE_EV_PER_ATOM)
    throw new Error(
      `column ${field}: ${value} eV/atom is negative; an energy above the hull is ≥ 0 (tolerance ${E_ABOVE_HULL_TOLERANCE_EV_PER_ATOM}): fix the value or leave it empty`,
    );
  return value;
}

export async function* readReferenceRecords(path: string): AsyncGenerator<ReferenceRecord | RejectedRecord> {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) yield* csvRecords(path);
  else if (name.endsWith('.cif')) {
    const text = await readTextFile(path);
    const entries = readCifAll(text, { source: path });
    if (entries.length === 0) readCif(text, { source: path }); // throws: no block lists sites
    for (const [i, entry] of entries.entries()) {
      yield {
        line: 1,
        externalId: entry.name || `${basename(path)}#${i}`,
        structure: () => entry.structure,
        formationEnergyPerAtomEv: null,
        eAboveHullEvPerAtom: null,
      };
    }
  } else if (name.endsWith('.extxyz') || name.endsWith('.xyz')) {
    const frames = readExtxyz(await readTextFile(path), { source: path });
    for (const [i, frame] of frames.entries()) {
      const info = frame.info;
      const id = typeof info.material_id === 'string' ? info.material_id : `${basename(path)}#${i}`;
      const ef = typeof info.formation_energy_per_atom === 'number' ? info.formation_energy_per_atom : null;
      if (ef !== null && !Number.isFinite(ef)) {
        yield {
          line: i + 1,
          externalId: id,
          reason: `formation_energy_per_atom: ${ef} is not a finite number`,
        };
        continue;
      }
      yield {
        line: i + 1,
        externalId: id,
        structure: () => frame.structure,
        formationEnergyPerAtomEv: ef,
        eAboveHullEvPerAtom: null,
      };
    }
  } else {
    throw new Error(
      `${path}: unsupported reference file; give a .csv(.gz) with a cif column, a .cif, or an .extxyz`,
    );
  }
}

/** Records of a CSV(.gz) file; read, gunzip and CSV syntax errors become messages that name the file. */
async function* csvRecords(path: string): AsyncGenerator<ReferenceRecord | RejectedRecord> {
  try {
    yield* csvRecordsOf(path);
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    if (code.startsWith('CSV_'))
      throw new Error(`${path}: not a valid CSV: ${(err as Error).message}`, { cause: err });
    throw fileReadError(path, err);
  }
}

async function* csvRecordsOf(path: string): AsyncGenerator<ReferenceRecord | RejectedRecord> {
  const parser = parse({ columns: true, info: true, relax_column_count: true, skip_empty_lines: true });
  // pipeline, not pipe: a read or gunzip error must reach the loop below, not crash the process.
  const stages = path.toLowerCase().endsWith('.gz') ? [createGunzip(), parser] : [parser];
  pipeline([createReadStream(path), ...stages], (err) => {
    if (err) parser.destroy(err);
  });
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    // info.lines is the line the record ends on; a CIF spans many lines, so report where it starts.
    const line = info.lines - (record.cif?.split('\n').length ?? 1) + 1;
    const externalId = record.material_id?.trim() || null;
    if (!externalId) {
      yield { line, externalId: null, reason: 'material_id is empty' };
      continue;
    }
    if (!record.cif?.trim()) {
      yield { line, externalId, reason: 'cif is empty' };
      continue;
    }
    try {
      const cif = record.cif;
      yield {
        line,
        externalId,
        // readCif, not readCifAll(...)[0]: a CIF without sites must say so, not fail on undefined.
        structure: () => readCif(cif, { source: `${path}:${line}` }),
        formationEnergyPerAtomEv: optionalNumber(
          record.formation_energy_per_atom,
          'formation_energy_per_atom',
        ),
        // MP-20 names it e_above_hull, MPTS-52 energy_above_hull.
        eAboveHullEvPerAtom:
          record.e_above_hull !== undefined
            ? optionalEAboveHull(record.e_above_hull, 'e_above_hull')
            : optionalEAboveHull(record.energy_above_hull, 'energy_above_hull'),
      };
    } catch (err) {
      yield { line, externalId, reason: err instanceof Error ? err.message : String(err) };
    }
  }
}
