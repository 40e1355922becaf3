/**
 * POTCAR from a PAW library. VASP's potentials are licensed and not part of this project: the user
 * points `VASP_PP_PATH` at the folder of one functional's potentials as VASP distributes them, one
 * sub-folder per variant holding its POTCAR:
 *
 * ```
 * $VASP_PP_PATH/Li_sv/POTCAR
 * $VASP_PP_PATH/O/POTCAR
 * $VASP_PP_PATH/Nb_pv/POTCAR      (e.g. VASP_PP_PATH=/opt/vasp/potpaw_PBE.54)
 * ```
 *
 * The POTCAR of a run is the concatenation of one file per species block of the POSCAR, in that
 * order. Each file's header ('PAW_PBE Li_sv 10Sep2004') is checked against the variant asked for and
 * the functional of the parameter set, and its SHA-256 is recorded, so an attempt says exactly
 * which potentials it used (they change energies: DESIGN.md "level of theory").
 */
import { createHash } from 'node:crypto';
import { access, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EngineInputError, EngineSetupError } from '../../errors.js';

/** What was used for one element. */
export interface PotcarEntry {
  readonly element: string;
  /** Folder name in the library, e.g. 'Li_sv'. */
  readonly variant: string;
  /** Absolute path of the file read. */
  readonly file: string;
  /** TITEL (or the first line), e.g. 'PAW_PBE Li_sv 10Sep2004'. */
  readonly title: string;
  /** ENMAX of the potential, eV (null when the header has none). */
  readonly enmaxEv: number | null;
  readonly sha256: string;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Checks that `ppPath` is a folder and returns it absolute. Throws `EngineSetupError` with the fix. */
export async function checkPawLibrary(ppPath: string | null | undefined): Promise<string> {
  const fix =
    'Set VASP_PP_PATH to the folder of your licensed PAW potentials for one functional, with one sub-folder per ' +
    'variant (e.g. VASP_PP_PATH=/opt/vasp/potpaw_PBE.54 holding Li_sv/POTCAR, O/POTCAR, …).';
  if (!ppPath)
    throw new EngineSetupError(`VASP_PP_PATH is not set: the VASP engine cannot build a POTCAR. ${fix}`, {
      engine: 'vasp',
    });
  const dir = resolve(ppPath);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new EngineSetupError(`VASP_PP_PATH=${ppPath} is not a directory. ${fix}`, { engine: 'vasp' });
  }
  return dir;
}

/** Why `<dir>/<variant>/POTCAR` is missing, in words that say what to do. */
async function missingHint(dir: string, variant: string): Promise<string> {
  for (const ext of ['.gz', '.Z', '.bz2']) {
    if (await exists(join(dir, variant, `POTCAR${ext}`)))
      return ` ${join(dir, variant, `POTCAR${ext}`)} exists: decompress it in place.`;
  }
  for (const sub of ['potpaw_PBE.64', 'potpaw_PBE.54', 'potpaw_PBE.52', 'potpaw_PBE', 'PBE']) {
    if (await exists(join(dir, sub, variant, 'POTCAR')))
      return ` It exists under ${join(dir, sub)}: set VASP_PP_PATH=${join(dir, sub)}.`;
  }
  return ' Install that variant into the library, or choose one it has with potcarVariants (e.g. {"Li": "Li"}).';
}

/** Reads one element's POTCAR and checks its header. */
export async function readPotcarEntry(
  dir: string,
  element: string,
  variant: string,
  functional: 'PBE',
): Promise<{ entry: PotcarEntry; text: string }> {
  const file = join(dir, variant, 'POTCAR');
  if (!(await exists(file))) {
    throw new EngineInputError(
      `no POTCAR for ${element}: ${file} does not exist.${await missingHint(dir, variant)}`,
      {
        engine: 'vasp',
        element,
        field: 'potcarVariants',
        pseudoDir: dir,
      },
    );
  }
  const text = await readFile(file, 'latin1');
  const firstLine = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const title = /^\s*TITEL\s*=\s*(.+?)\s*$/m.exec(text)?.[1] ?? firstLine;
  const [kind, label] = firstLine.split(/\s+/);
  const bad = (why: string): never => {
    throw new EngineInputError(`${file} ${why} (header ${JSON.stringify(firstLine)})`, {
      engine: 'vasp',
      element,
      field: 'potcarVariants',
      pseudoDir: dir,
    });
  };
  if (!kind?.startsWith('PAW')) bad('is not a PAW POTCAR');
  if (label !== variant) bad(`is not the ${variant} potential: the library folder holds another file`);
  if (functional === 'PBE' && kind !== 'PAW_PBE')
    bad('is not a PBE potential: point VASP_PP_PATH at the PBE library');
  const enmax = /ENMAX\s*=\s*([0-9.]+)/.exec(text);
  return {
    entry: {
      element,
      variant,
      file,
      title,
      enmaxEv: enmax ? Number(enmax[1]) : null,
      sha256: createHash('sha256').update(text, 'latin1').digest('hex'),
    },
    text: text.endsWith('\n') ? text : `${text}\n`,
  };
}

/**
 * The POTCAR text for `elements` (one per POSCAR species block, in order) and what was used.
 * `variantOf` names the library folder per element.
 */
export async function assemblePotcar(
  ppPath: string | null | undefined,
  elements: readonly string[],
  variantOf: (element: string) => string,
  functional: 'PBE',
): Promise<{ readonly text: string; readonly entries: readonly PotcarEntry[]; readonly library: string }> {
  const library = await checkPawLibrary(ppPath);
  const parts = await Promise.all(
    elements.map((el) => readPotcarEntry(library, el, variantOf(el), functional)),
  );
  return { text: parts.map((p) => p.text).join(''), entries: parts.map((p) => p.entry), library };
}
