/**
 * Reading a finished (or killed) VASP run directory: vasprun.xml (or vasprun.xml.gz), OUTCAR and
 * CONTCAR are parsed (outputs/vasprun.ts, outputs/outcar.ts), merged into a {@link VaspRun} with
 * every ionic step (outputs/vasp-run.ts), and summarised as the engine seam's `DftResult`, with
 * forces and structures put back in the caller's site order (site-order.ts).
 *
 * ```ts
 * const result = await parseVaspOutputs('/work/attempt-0');
 * // { engine: 'vasp', energyEv: -153.0123588, energyPerAtomEv: -3.82530897, scfConverged: true,
 * //   forcesEvPerA: [[0.22258223, 0.16966156, -0.80105683], …], stressEvPerA3: [[0.011544…, …], …],
 * //   totalMagnetization: 0.0001938, engineVersion: '6.3.2', … }
 * ```
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readPoscar } from '../../crystal/io/poscar.js';
import type { Structure } from '../../crystal/structure.js';
import type { DftResult } from '../engine.js';
import { OutputParseError } from '../errors.js';
import { parseOutcar, type Outcar } from './outputs/outcar.js';
import { mergeVaspRun, type VaspRun } from './outputs/vasp-run.js';
import { parseVasprun, type Vasprun } from './outputs/vasprun.js';
import { SITE_ORDER_FILE, structureToCallerOrder, toCallerOrder, type SiteOrderFile } from './site-order.js';

export { parseOutcar, type Outcar, type OutcarIonicStep } from './outputs/outcar.js';
export { mergeVaspRun, type VaspIonicStep, type VaspRun } from './outputs/vasp-run.js';
export { parseVasprun, type Vasprun, type VasprunCalculation } from './outputs/vasprun.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function readVasprunFile(dir: string): Promise<{ file: string; data: Vasprun } | null> {
  for (const name of ['vasprun.xml', 'vasprun.xml.gz']) {
    const file = join(dir, name);
    if (!(await exists(file))) continue;
    const bytes = await readFile(file);
    try {
      // vasprun.xml declares ISO-8859-1; every value read here is ASCII.
      const text = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1');
      return { file, data: parseVasprun(text) };
    } catch (err) {
      throw new OutputParseError(
        `cannot read ${file}: ${(err as Error).message}`,
        { engine: 'vasp', file },
        { cause: err },
      );
    }
  }
  return null;
}

/** Reads and merges the outputs in `dir`. Throws `OutputParseError` when neither vasprun.xml nor OUTCAR exists. */
export async function readVaspRun(dir: string): Promise<VaspRun> {
  const vasprun = await readVasprunFile(dir);
  const outcarFile = join(dir, 'OUTCAR');
  const outcar: Outcar | null = (await exists(outcarFile))
    ? parseOutcar(await readFile(outcarFile, 'latin1'))
    : null;
  if (!vasprun && !outcar) {
    throw new OutputParseError(`no VASP output in ${dir}: neither vasprun.xml(.gz) nor OUTCAR exists`, {
      engine: 'vasp',
      file: outcarFile,
    });
  }
  let contcar: Structure | null = null;
  const contcarFile = join(dir, 'CONTCAR');
  if (await exists(contcarFile)) {
    const text = await readFile(contcarFile, 'utf8');
    try {
      contcar = text.trim() ? readPoscar(text, { source: contcarFile }) : null;
    } catch {
      contcar = null; // VASP writes CONTCAR at the end of each step; a killed run may leave it half-written
    }
  }
  return mergeVaspRun(vasprun?.data ?? null, outcar, contcar);
}

/** The permutation written by `writeInputs`, or null for a directory this package did not prepare. */
export async function readSiteOrder(dir: string): Promise<SiteOrderFile | null> {
  const file = join(dir, SITE_ORDER_FILE);
  if (!(await exists(file))) return null;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SiteOrderFile;
  } catch (err) {
    throw new OutputParseError(
      `cannot read ${file}: ${(err as Error).message}`,
      { engine: 'vasp', file },
      { cause: err },
    );
  }
}

/**
 * Summarises a run as the seam's `DftResult` (the last ionic step), per-atom values in the caller's
 * order when `siteOrder` is given. Throws `OutputParseError` when there is no complete ionic step.
 */
export function vaspRunToDftResult(run: VaspRun, siteOrder: SiteOrderFile | null, dir = '.'): DftResult {
  const last = run.ionicSteps.at(-1);
  if (!last) {
    throw new OutputParseError(
      `no complete ionic step in the VASP output of ${dir}: VASP stopped before its first energy`,
      {
        engine: 'vasp',
        file: join(dir, run.sources.vasprun ? 'vasprun.xml' : 'OUTCAR'),
      },
    );
  }
  const n = run.species.length || last.forcesEvPerA.length;
  if (siteOrder && siteOrder.siteOrder.length !== n) {
    throw new OutputParseError(
      `${SITE_ORDER_FILE} lists ${siteOrder.siteOrder.length} sites but VASP ran ${n} atoms`,
      {
        engine: 'vasp',
        file: join(dir, SITE_ORDER_FILE),
      },
    );
  }
  const order = siteOrder?.siteOrder ?? null;
  const forces = last.forcesEvPerA.map((f) => [...f]);
  const warnings = [...run.warnings];
  const unconverged = run.ionicSteps.filter((s) => !s.scfConverged && s !== last).map((s) => s.index);
  if (unconverged.length > 0) {
    warnings.push(
      `matdisc: ionic steps ${unconverged.join(', ')} ended without reaching EDIFF (NELM = ${run.parameters.nelm})`,
    );
  }
  const finalStructure = run.isRelaxation && last.structure ? last.structure : undefined;
  return {
    engine: 'vasp',
    energyEv: last.energyEv,
    energyPerAtomEv: last.energyEv / n,
    forcesEvPerA: order && forces.length > 0 ? toCallerOrder(forces, order) : forces,
    stressEvPerA3: last.stressEvPerA3.map((r) => [...r]),
    ...(run.parameters.ispin === 2 && run.totalMagnetization !== null
      ? { totalMagnetization: run.totalMagnetization }
      : {}),
    scfConverged: last.scfConverged,
    ...(run.isRelaxation ? { ionicConverged: run.ionicConverged ?? false } : {}),
    ...(finalStructure
      ? { finalStructure: order ? structureToCallerOrder(finalStructure, order) : finalStructure }
      : {}),
    scfIterations: last.scfIterations,
    scfCycles: run.ionicSteps.length,
    wallS: run.wallS,
    jobDone: run.finished,
    warnings,
    engineVersion: run.version,
  };
}

/** `EngineTemplate.parse` for VASP: reads `dir` and summarises its last ionic step. */
export async function parseVaspOutputs(dir: string): Promise<DftResult> {
  const [run, siteOrder] = await Promise.all([readVaspRun(dir), readSiteOrder(dir)]);
  return vaspRunToDftResult(run, siteOrder, dir);
}
