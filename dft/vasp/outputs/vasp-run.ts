/**
 * `VaspRun`: one VASP run as the project sees it, merged from vasprun.xml and OUTCAR and converted
 * to the project's units (eV, Å, eV/Å, eV/Å³ with the ASE sign). Pure: reading the files is
 * outputs.ts's job.
 *
 * Which file wins, per quantity:
 * - free energy, forces, stress, structures: vasprun.xml (forces to 8 decimals, OUTCAR has 6);
 *   OUTCAR for ionic steps vasprun.xml lacks (a run killed between the two files' flushes);
 * - E without entropy and E(σ→0): OUTCAR (VASP 5.4.4 writes wrong ones to vasprun.xml, see vasprun.ts);
 * - SCF convergence of a step: OUTCAR's "aborting loop because EDIFF is reached"; without OUTCAR,
 *   fewer electronic steps than NELM (which misses the rare step converging exactly at NELM);
 * - ionic convergence: OUTCAR's "reached required accuracy"; without OUTCAR, a finished relaxation
 *   that stopped before NSW steps;
 * - magnetization, wall time, warnings, normal end: OUTCAR only.
 */
import { Element } from '../../../crystal/elements.js';
import type { Vec3 } from '../../../crystal/lattice.js';
import { Structure } from '../../../crystal/structure.js';
import { kbarMatrixFromOutcar, stressFromVaspKbar } from '../vasp-units.js';
import type { Outcar } from './outcar.js';
import type { Vasprun, VasprunStructure } from './vasprun.js';

/** One ionic step (for a single point, the only one). Sites in VASP's (POSCAR's) order. */
export interface VaspIonicStep {
  /** 1-based, as VASP counts them. */
  readonly index: number;
  readonly structure: Structure | null;
  /** Free energy F = E − TS ("free energy TOTEN", `e_fr_energy`), eV: what the forces derive from. */
  readonly energyEv: number;
  readonly energyWithoutEntropyEv: number | null;
  readonly energySigma0Ev: number | null;
  /** eV/Å, N×3. */
  readonly forcesEvPerA: readonly Vec3[];
  /** eV/Å³, 3×3, ASE sign (positive = tensile); empty when VASP did not compute it. */
  readonly stressEvPerA3: readonly (readonly number[])[];
  readonly scfIterations: number;
  readonly scfConverged: boolean;
  /** Total magnetization, μB per cell; null when not spin-polarised or not printed. */
  readonly magnetization: number | null;
}

export interface VaspRun {
  readonly sources: {
    readonly vasprun: boolean;
    readonly vasprunComplete: boolean;
    readonly outcar: boolean;
  };
  readonly version: string | null;
  /** Element per atom, VASP's order. */
  readonly species: readonly string[];
  readonly potcarTitles: readonly string[];
  /** Parameters VASP ran with (from vasprun.xml `<parameters>`, else OUTCAR's echo). */
  readonly parameters: {
    readonly nelm: number | null;
    readonly ediffEv: number | null;
    readonly ispin: number | null;
    readonly nsw: number | null;
    readonly ibrion: number | null;
    readonly isif: number | null;
  };
  /** NSW > 0 with IBRION 1, 2 or 3. */
  readonly isRelaxation: boolean;
  readonly ionicSteps: readonly VaspIonicStep[];
  readonly initialStructure: Structure | null;
  /** The geometry VASP wrote to CONTCAR (vasprun.xml `finalpos`); null when absent. */
  readonly contcarStructure: Structure | null;
  /** Relaxations only (null otherwise): the required accuracy was reached. */
  readonly ionicConverged: boolean | null;
  readonly totalMagnetization: number | null;
  /** "Elapsed time (sec)" of OUTCAR, s. */
  readonly wallS: number | null;
  /** OUTCAR ends with VASP's timing footer. */
  readonly finished: boolean;
  readonly warnings: readonly string[];
}

const int = (s: string | undefined): number | null =>
  s === undefined || !/^\s*-?\d+\s*$/.test(s) ? null : Number(s);
const float = (s: string | undefined): number | null =>
  s === undefined || !Number.isFinite(Number(s)) ? null : Number(s);

/** Element of a POTCAR title: 'PAW_PBE Li_sv 10Sep2004' -> 'Li'. */
export function elementOfPotcarTitle(title: string): string {
  const label = title.trim().split(/\s+/)[1] ?? title;
  return Element.fromLabel(label);
}

/** Merges what was read (either may be null, not both) into a `VaspRun`; `contcar` is the CONTCAR file's structure. */
export function mergeVaspRun(
  vasprun: Vasprun | null,
  outcar: Outcar | null,
  contcar: Structure | null = null,
): VaspRun {
  const p = vasprun?.parameters ?? {};
  const o = outcar?.parameters;
  const parameters = {
    nelm: int(p.NELM) ?? o?.NELM ?? null,
    ediffEv: float(p.EDIFF) ?? o?.EDIFF ?? null,
    ispin: int(p.ISPIN) ?? o?.ISPIN ?? null,
    nsw: int(p.NSW) ?? o?.NSW ?? null,
    ibrion: int(p.IBRION) ?? o?.IBRION ?? null,
    isif: int(p.ISIF) ?? o?.ISIF ?? null,
  };
  const potcarTitles = vasprun?.potcarTitles.length ? vasprun.potcarTitles : (outcar?.potcarTitles ?? []);
  let species: readonly string[] = vasprun?.species.map((s) => Element.fromLabel(s)) ?? [];
  if (species.length === 0 && outcar && outcar.ionsPerType.length === potcarTitles.length) {
    species = outcar.ionsPerType.flatMap((n, t) =>
      Array<string>(n).fill(elementOfPotcarTitle(potcarTitles[t]!)),
    );
  }
  const toStructure = (s: VasprunStructure | null | undefined): Structure | null =>
    s && species.length === s.fracCoords.length ? Structure.create(s.lattice, species, s.fracCoords) : null;

  const vSteps = vasprun?.calculations ?? [];
  const oSteps = outcar?.ionicSteps ?? [];
  const ionicSteps: VaspIonicStep[] = [];
  for (let k = 0; k < Math.max(vSteps.length, oSteps.length); k++) {
    const v = vSteps[k];
    const oc = oSteps[k];
    const energyEv = v?.energy.freeEnergyEv ?? oc?.freeEnergyEv;
    if (energyEv === undefined) continue;
    const outcarStructure =
      oc?.lattice && species.length === oc.positions.length
        ? Structure.fromCartesian(oc.lattice, species, oc.positions)
        : null;
    const stressKbar = v?.stressKbar ?? (oc?.stressKbar ? kbarMatrixFromOutcar(oc.stressKbar) : null);
    const scfIterations = v?.scStepFreeEnergiesEv.length ?? oc?.scfIterations ?? 0;
    ionicSteps.push({
      index: k + 1,
      structure: toStructure(v?.structure) ?? outcarStructure,
      energyEv,
      energyWithoutEntropyEv: oc?.energyWithoutEntropyEv ?? null,
      energySigma0Ev: oc?.energySigma0Ev ?? null,
      forcesEvPerA: v?.forcesEvPerA ?? oc?.forcesEvPerA ?? [],
      stressEvPerA3: stressKbar ? stressFromVaspKbar(stressKbar) : [],
      scfIterations,
      scfConverged: oc ? oc.scfConverged : parameters.nelm !== null && scfIterations < parameters.nelm,
      magnetization: oc?.magnetization ?? null,
    });
  }

  const isRelaxation = (parameters.nsw ?? 0) > 0 && [1, 2, 3].includes(parameters.ibrion ?? -1);
  let ionicConverged: boolean | null = null;
  if (isRelaxation) {
    ionicConverged = outcar
      ? outcar.reachedRequiredAccuracy
      : Boolean(vasprun?.complete) && ionicSteps.length < (parameters.nsw ?? 0);
  }
  return {
    sources: {
      vasprun: vasprun !== null,
      vasprunComplete: vasprun?.complete ?? false,
      outcar: outcar !== null,
    },
    version: vasprun?.version ?? outcar?.version ?? null,
    species,
    potcarTitles,
    parameters,
    isRelaxation,
    ionicSteps,
    initialStructure: toStructure(vasprun?.initialStructure),
    contcarStructure: toStructure(vasprun?.finalStructure) ?? contcar,
    ionicConverged,
    totalMagnetization: parameters.ispin === 2 ? (ionicSteps.at(-1)?.magnetization ?? null) : null,
    wallS: outcar?.elapsedS ?? null,
    finished: outcar?.finished ?? false,
    warnings: outcar?.warnings ?? [],
  };
}
