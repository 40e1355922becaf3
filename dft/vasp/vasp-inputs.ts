/**
 * VASP input files for one structure and one parameter set: INCAR (inputs/incar.ts), KPOINTS
 * (inputs/kpoints.ts), POSCAR (crystal/io/poscar.ts, species grouped by site-order.ts) and POTCAR
 * (inputs/potcar.ts, from the licensed PAW library at `VASP_PP_PATH`), plus `matdisc-sites.json`,
 * the permutation that maps VASP's atom order back to the caller's.
 *
 * `prepareVaspInputs` is pure (everything but the POTCAR); `writeVaspInputs` adds the POTCAR and
 * writes the files.
 *
 * ```ts
 * await writeVaspInputs(structure, VaspParams.named('production', { calculation: 'relax' }), dir, { ppPath: process.env.VASP_PP_PATH });
 * // { files: ['INCAR', 'KPOINTS', 'POSCAR', 'POTCAR', 'matdisc-sites.json'],
 * //   resolved: { nAtoms: 3, ediffEv: 0.00015, kpointGrid: [7, 7, 7], ispin: 2, potcars: [{ element: 'Li', variant: 'Li_sv', … }], … } }
 * ```
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePoscar } from '../../crystal/io/poscar.js';
import { Structure } from '../../crystal/structure.js';
import type { WrittenInputs } from '../engine.js';
import { assertRunnable } from '../assert-runnable.js';
import { renderIncar, resolveIncar, spinSetup, type IncarTags } from './inputs/incar.js';
import { kpointGrid, renderKpoints } from './inputs/kpoints.js';
import { assemblePotcar } from './inputs/potcar.js';
import { groupBySpecies, SITE_ORDER_FILE, type SiteOrderFile } from './site-order.js';
import { VaspParams } from './vasp-params.js';

export {
  compressList,
  formatIncarNumber,
  renderIncar,
  resolveIncar,
  spinSetup,
  type IncarTags,
} from './inputs/incar.js';
export { kpointGrid, renderKpoints, type KpointStyle } from './inputs/kpoints.js';
export { assemblePotcar, checkPawLibrary, readPotcarEntry, type PotcarEntry } from './inputs/potcar.js';

/** Everything but the POTCAR, rendered. */
export interface PreparedVaspInputs {
  readonly incar: IncarTags;
  /** File name -> text: INCAR, KPOINTS, POSCAR, matdisc-sites.json. */
  readonly files: Readonly<Record<string, string>>;
  /** Elements in POSCAR order: one POTCAR entry each. */
  readonly elements: readonly string[];
  readonly siteOrder: readonly number[];
  readonly resolved: Readonly<Record<string, unknown>>;
}

/** Renders INCAR, KPOINTS, POSCAR and the site-order file. Pure. */
export function prepareVaspInputs(structure: Structure, params: VaspParams): PreparedVaspInputs {
  assertRunnable(structure, 'vasp');
  const { structure: grouped, siteOrder } = groupBySpecies(structure);
  const elements = [...new Set(grouped.species)];
  const incar = resolveIncar(grouped, params);
  const grid = kpointGrid(grouped.lattice, params.kpointDensity, params.kpointGrid);
  const style = params.kpointStyle === 'gamma' ? 'Gamma-centred' : 'Monkhorst-Pack';
  const kpoints = renderKpoints(
    grid,
    params.kpointStyle,
    params.kpointGrid
      ? `${style} grid, explicit (matdisc)`
      : `${style} grid from k-point density ${params.kpointDensity} A (matdisc)`,
  );
  const formula = Structure.reducedFormula(grouped);
  const sites: SiteOrderFile = { engine: 'vasp', siteOrder, callerSpecies: [...structure.species] };
  const { ispin, magmom } = spinSetup(grouped, params);
  const tag = (name: string) => incar.find(([t]) => t === name)?.[1];
  return {
    incar,
    files: {
      INCAR: renderIncar(incar),
      KPOINTS: kpoints,
      POSCAR: writePoscar(grouped, {
        comment: `${formula} (matdisc; sites grouped by species, see ${SITE_ORDER_FILE})`,
      }),
      [SITE_ORDER_FILE]: JSON.stringify(sites) + '\n',
    },
    elements,
    siteOrder,
    resolved: {
      nAtoms: grouped.species.length,
      elements,
      encutEv: params.encutEv,
      ediffEv: tag('EDIFF'),
      ...(params.calculation !== 'scf' ? { ediffgEvPerA: params.ediffgEvPerA } : {}),
      kpointGrid: grid,
      kpointStyle: params.kpointStyle,
      ispin,
      ...(magmom ? { magmom } : {}),
      sitesReordered: siteOrder.some((c, j) => c !== j),
      incar: Object.fromEntries(incar),
    },
  };
}

/** Options for {@link writeVaspInputs}. */
export interface WriteVaspInputsOptions {
  /** PAW library folder (the template passes `VASP_PP_PATH`). */
  readonly ppPath: string | null | undefined;
}

/**
 * Writes INCAR, KPOINTS, POSCAR, POTCAR and matdisc-sites.json into `dir` (which exists). Throws
 * `EngineInputError` for a bad parameter set, an unrunnable structure or a missing POTCAR, and
 * `EngineSetupError` when the PAW library is not configured.
 */
export async function writeVaspInputs(
  structure: Structure,
  params: VaspParams,
  dir: string,
  options: WriteVaspInputsOptions,
): Promise<WrittenInputs> {
  const checked = VaspParams.parse(params);
  const prepared = prepareVaspInputs(structure, checked);
  const potcar = await assemblePotcar(
    options.ppPath,
    prepared.elements,
    (el) => VaspParams.potcarVariant(checked, el),
    checked.potcarFunctional,
  );
  const files: Record<string, string> = { ...prepared.files, POTCAR: potcar.text };
  const names = ['INCAR', 'KPOINTS', 'POSCAR', 'POTCAR', SITE_ORDER_FILE];
  await Promise.all(names.map((name) => writeFile(join(dir, name), files[name]!)));
  const enmax = potcar.entries.map((e) => e.enmaxEv).filter((x): x is number => x !== null);
  return {
    files: names,
    resolved: {
      ...prepared.resolved,
      pawLibrary: potcar.library,
      potcars: potcar.entries.map(({ element, variant, title, sha256, enmaxEv }) => ({
        element,
        variant,
        title,
        sha256,
        enmaxEv,
      })),
      ...(enmax.length > 0 ? { maxEnmaxEv: Math.max(...enmax) } : {}),
    },
  };
}
