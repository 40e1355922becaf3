/**
 * The VASP engine: input files from a structure and a parameter set, output parsing, and the
 * `EngineTemplate` that the DFT runner drives (engine.ts).
 *
 * VASP is licensed: nothing here includes VASP or its PAW potentials, and no test runs the real
 * program. A licensed host sets `VASP_PP_PATH` (a folder with `Li_sv/POTCAR`, `O/POTCAR`, …) and
 * `VASP_COMMAND` (the executable) or puts `vasp_std` on PATH. The tests drive the template with a
 * stand-in executable that replays two real runs (test/dft/vasp/standin-vasp.mjs).
 *
 * ```ts
 * import { VaspParams, VaspTemplate } from './dft/vasp/index.js';
 * const template = new VaspTemplate();
 * await template.writeInputs(structure, VaspParams.named('production', { calculation: 'scf' }), dir);
 * // dir: INCAR, KPOINTS, POSCAR, POTCAR, matdisc-sites.json
 * const result = await template.parse(dir);
 * // { engine: 'vasp', energyEv: -153.0123588, forcesEvPerA: [...], stressEvPerA3: [...], scfConverged: true, ... }
 * ```
 *
 * Parts: vasp-params.ts + sets/ (parameter sets as data), inputs.ts + inputs/ (INCAR, KPOINTS,
 * POTCAR; POSCAR from crystal/io/poscar.ts), site-order.ts (species grouping and its inverse),
 * outputs.ts + outputs/ (vasprun.xml, OUTCAR, merge), vasp-units.ts (kbar → eV/Å³, ASE sign),
 * vasp-assess.ts, vasp-handlers.ts, vasp-progress.ts, vasp-errors.ts, vasp-template.ts.
 */
export * from './vasp-inputs.js';
export * from './vasp-outputs.js';
export * from './site-order.js';
export * from './vasp-assess.js';
export * from './vasp-errors.js';
export * from './vasp-handlers.js';
export * from './vasp-params.js';
export * from './vasp-progress.js';
export * from './vasp-template.js';
export * from './vasp-units.js';
