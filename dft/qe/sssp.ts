/**
 * The SSSP pseudopotential library in a pseudo dir: which UPF file to use per element and its
 * recommended cutoffs (Prandini et al., npj Comput. Mater. 4, 72 (2018), doi:10.1038/s41524-018-0127-2).
 *
 * A pseudo dir holds the UPF files and the SSSP JSON (`SSSP_*.json`, one entry per element:
 * `{"Si": {"filename": "Si.pbe-n-rrkjus_psl.1.0.0.UPF", "cutoff_wfc": 30.0, "cutoff_rho": 240.0, …}}`).
 * The f-block metadata (`*f_block*.json`) is read from the dir itself or from its `f_block_gz/`
 * folder. The f-block UPF files ship gzip-compressed in `f_block_gz/`; pw.x cannot read them
 * there: `gunzip -c f_block_gz/X.upf.gz > X.upf` into the pseudo dir first. Asking for such an
 * element before that raises an `EngineInputError` that says so.
 *
 * The folder comes from the `PSEUDO_DIR` environment variable unless a caller passes one.
 */
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EngineInputError, EngineSetupError } from '../errors.js';

/** One element's entry. Cutoffs in Ry (pw.x's unit; they go straight into the input file). */
export interface SsspEntry {
  readonly element: string;
  /** UPF file name, relative to the pseudo dir. */
  readonly filename: string;
  readonly md5: string | null;
  /** Source library, e.g. '100US', 'GBRV-1.4', 'SG15'. */
  readonly library: string | null;
  readonly cutoffWfcRy: number;
  readonly cutoffRhoRy: number;
}

export interface SsspLibrary {
  /** Absolute path of the pseudo dir (pw.x's `pseudo_dir`). */
  readonly pseudoDir: string;
  readonly entries: ReadonlyMap<string, SsspEntry>;
}

interface RawEntry {
  filename?: unknown;
  md5?: unknown;
  pseudopotential?: unknown;
  cutoff_wfc?: unknown;
  cutoff_rho?: unknown;
}

function toEntry(element: string, raw: RawEntry, file: string): SsspEntry {
  const { filename, cutoff_wfc: wfc, cutoff_rho: rho } = raw;
  if (typeof filename !== 'string' || typeof wfc !== 'number' || typeof rho !== 'number') {
    throw new EngineSetupError(`${file}: entry ${element} lacks filename, cutoff_wfc or cutoff_rho`, {
      engine: 'qe',
    });
  }
  return {
    element,
    filename,
    md5: typeof raw.md5 === 'string' ? raw.md5 : null,
    library: typeof raw.pseudopotential === 'string' ? raw.pseudopotential : null,
    cutoffWfcRy: wfc,
    cutoffRhoRy: rho,
  };
}

async function readJson(file: string): Promise<Record<string, RawEntry>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, RawEntry>;
  } catch (err) {
    throw new EngineSetupError(
      `cannot read SSSP metadata ${file}: ${(err as Error).message}`,
      { engine: 'qe' },
      { cause: err },
    );
  }
}

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => /^SSSP.*\.json$/i.test(n)).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/**
 * Reads the SSSP metadata of `pseudoDir` (default: `PSEUDO_DIR`). Throws `EngineSetupError` when
 * the folder or its JSON is missing. Entries of the main JSON win over the f-block JSON.
 */
export async function loadSssp(pseudoDir: string | undefined = process.env.PSEUDO_DIR): Promise<SsspLibrary> {
  if (!pseudoDir) {
    throw new EngineSetupError('PSEUDO_DIR is not set: point it at an SSSP pseudopotential folder', {
      engine: 'qe',
    });
  }
  const dir = resolve(pseudoDir);
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir)
    throw new EngineSetupError(`pseudopotential folder ${dir} (PSEUDO_DIR) does not exist`, { engine: 'qe' });
  const main = await jsonFiles(dir);
  if (main.length === 0) {
    throw new EngineSetupError(`no SSSP_*.json metadata in ${dir} (PSEUDO_DIR)`, { engine: 'qe' });
  }
  const files = [...main, ...(await jsonFiles(join(dir, 'f_block_gz')))];
  const ordered = [...files.filter((f) => !/f_block/i.test(f)), ...files.filter((f) => /f_block/i.test(f))];
  const entries = new Map<string, SsspEntry>();
  for (const file of ordered) {
    for (const [element, raw] of Object.entries(await readJson(file))) {
      if (!entries.has(element)) entries.set(element, toEntry(element, raw, file));
    }
  }
  return { pseudoDir: dir, entries };
}

/**
 * The entries for `elements`, after checking that each UPF file is present (uncompressed) in the
 * pseudo dir. Throws `EngineInputError` naming the element and the pseudo dir.
 */
export async function pseudopotentialsFor(
  library: SsspLibrary,
  elements: readonly string[],
): Promise<SsspEntry[]> {
  const { pseudoDir } = library;
  const out: SsspEntry[] = [];
  for (const element of elements) {
    const entry = library.entries.get(element);
    if (!entry) {
      throw new EngineInputError(`no pseudopotential for element ${element} in ${pseudoDir} (PSEUDO_DIR)`, {
        engine: 'qe',
        element,
        pseudoDir,
      });
    }
    const present = await access(join(pseudoDir, entry.filename)).then(
      () => true,
      () => false,
    );
    if (!present) {
      const gz = join(pseudoDir, 'f_block_gz', `${entry.filename}.gz`);
      const zipped = await access(gz).then(
        () => true,
        () => false,
      );
      const hint = zipped ? `: it is only gzip-compressed in ${gz}; gunzip it into ${pseudoDir}` : '';
      throw new EngineInputError(
        `pseudopotential file ${entry.filename} for element ${element} is missing from ${pseudoDir} (PSEUDO_DIR)${hint}`,
        { engine: 'qe', element, pseudoDir },
      );
    }
    out.push(entry);
  }
  return out;
}

/** Cutoffs for a set of entries: the largest `cutoff_wfc` and the largest `cutoff_rho`, Ry. */
export function cutoffsFor(entries: readonly SsspEntry[]): { ecutwfcRy: number; ecutrhoRy: number } {
  return {
    ecutwfcRy: Math.max(...entries.map((e) => e.cutoffWfcRy)),
    ecutrhoRy: Math.max(...entries.map((e) => e.cutoffRhoRy)),
  };
}
