/**
 * Reads vasprun.xml into plain data: the generator (version), the effective `<parameters>`, the
 * atoms (`<atominfo>`), the initial and final (`finalpos`, = CONTCAR) structures and, per ionic step
 * (`<calculation>`), its electronic steps, structure, forces, stress and energies.
 *
 * Values stay as VASP wrote them (stress in kbar with VASP's sign, positions fractional); the
 * conversion to the project's units happens in vasp-run.ts. Large blocks nobody here needs
 * (eigenvalues, DOS, projections, k-point lists) are skipped unread.
 *
 * A vasprun.xml cut short by a killed run is read up to the cut: `complete` is false and
 * `calculations` holds every ionic step whose energy was written.
 *
 * Caveat, seen in the VASP 5.4.4 fixture: in the closing `<energy>` block of a `<calculation>`,
 * `e_wo_entrp` holds E(σ→0) and `e_0_energy` the entropy term −TS (OUTCAR of the same step:
 * F = −253.88059011, E without entropy = −253.71642080, E(σ→0) = −253.79850546; vasprun.xml:
 * e_wo_entrp = −253.79850546, e_0_energy = −0.16416931). Only `e_fr_energy`, the free energy, is
 * used from that block; the other two come from OUTCAR (in the VASP 6.3.2 fixture all three agree with OUTCAR).
 */
import type { Mat3, Vec3 } from '../../../crystal/lattice.js';
import { numbersIn } from './numbers.js';
import { scanXml } from './xml-scanner.js';

/** A `<structure>`: lattice rows in Å, fractional positions as written (not wrapped). */
export interface VasprunStructure {
  readonly lattice: Mat3;
  readonly fracCoords: readonly Vec3[];
}

/** The energies of one `<energy>` block, eV (absent names are absent). */
export interface VasprunEnergy {
  /** `e_fr_energy`: free energy F = E − TS (VASP's "free energy TOTEN"). */
  readonly freeEnergyEv?: number;
  /** `e_wo_entrp`: energy without the entropy term (wrong in VASP 5.4.4, see the module doc). */
  readonly energyWithoutEntropyEv?: number;
  /** `e_0_energy`: extrapolated to σ → 0 (wrong in VASP 5.4.4, see the module doc). */
  readonly energySigma0Ev?: number;
}

/** One ionic step. */
export interface VasprunCalculation {
  /** Free energy after each electronic step (`<scstep>`), eV; its length is the step count. */
  readonly scStepFreeEnergiesEv: readonly number[];
  readonly structure: VasprunStructure | null;
  /** eV/Å, N×3, VASP's atom order. */
  readonly forcesEvPerA: readonly Vec3[] | null;
  /** kbar, 3×3, VASP's sign (positive = compressed). */
  readonly stressKbar: readonly Vec3[] | null;
  readonly energy: VasprunEnergy;
}

export interface Vasprun {
  /** `<generator>` version, e.g. '6.3.2' or '5.4.4.18Apr17-6-g9f103f2a35'. */
  readonly version: string | null;
  /** Every `<i>`/`<v>` of `<parameters>` (VASP's effective values, defaults included), raw text. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The INCAR as VASP read it (`<incar>`), raw text. */
  readonly incar: Readonly<Record<string, string>>;
  /** Element of each atom, VASP's order. */
  readonly species: readonly string[];
  /** POTCAR title per atom type, e.g. 'PAW_PBE Li_sv 10Sep2004'. */
  readonly potcarTitles: readonly string[];
  readonly initialStructure: VasprunStructure | null;
  /** `finalpos`: the geometry VASP wrote to CONTCAR (for relaxations, one update past the last step). */
  readonly finalStructure: VasprunStructure | null;
  readonly calculations: readonly VasprunCalculation[];
  /** True when the document ended normally (`</modeling>`). */
  readonly complete: boolean;
}

/** Elements whose whole content is skipped: eigenvalues, DOS, projections, k-point lists, … */
const SKIPPED = new Set([
  'eigenvalues',
  'eigenvalues_kpoints_opt',
  'dos',
  'dos_kpoints_opt',
  'projected',
  'projected_kpoints_opt',
  'kpoints',
  'kpoints_opt',
  'dielectricfunction',
  'dynmat',
  'born_charges',
]);

const ENERGY_NAMES: Readonly<Record<string, keyof VasprunEnergy>> = {
  e_fr_energy: 'freeEnergyEv',
  e_wo_entrp: 'energyWithoutEntropyEv',
  e_0_energy: 'energySigma0Ev',
};

interface StructureDraft {
  name: string;
  basis: Vec3[];
  positions: Vec3[];
}

interface CalculationDraft {
  scEnergies: number[];
  structure: VasprunStructure | null;
  forces: Vec3[] | null;
  stress: Vec3[] | null;
  energy: Record<string, number> | null;
}

/** Parses vasprun.xml text. Throws `SyntaxError` only for mismatched tags, never for truncation. */
export function parseVasprun(xml: string): Vasprun {
  const stack: string[] = [];
  const parameters: Record<string, string> = {};
  const incar: Record<string, string> = {};
  const calculations: VasprunCalculation[] = [];
  let version: string | null = null;
  let species: string[] = [];
  let potcarTitles: string[] = [];
  let initialStructure: VasprunStructure | null = null;
  let finalStructure: VasprunStructure | null = null;

  let text: string[] | null = null; // collecting character data of the current leaf
  let leafName: string | null = null; // `name` attribute of the current <i>/<v>
  let calc: CalculationDraft | null = null;
  let energy: Record<string, number> | null = null;
  let structure: StructureDraft | null = null;
  let rows: Vec3[] | null = null; // rows of the <varray> being read, when it is one we keep
  let varrayName = '';
  let array: { name: string; rows: string[][] } | null = null; // an <array> of <atominfo>
  let rc: string[] | null = null;

  const parent = (k = 1) => stack[stack.length - 1 - k];
  const inside = (name: string) => stack.includes(name);
  const vec3 = (s: string): Vec3 => {
    const xs = numbersIn(s);
    return [xs[0] ?? Number.NaN, xs[1] ?? Number.NaN, xs[2] ?? Number.NaN];
  };

  const result = scanXml(xml, {
    open(name, attrs) {
      if (SKIPPED.has(name)) return 'skip';
      stack.push(name);
      switch (name) {
        case 'i':
        case 'v':
        case 'c':
          text = [];
          leafName = attrs.name ?? null;
          break;
        case 'calculation':
          calc = { scEnergies: [], structure: null, forces: null, stress: null, energy: null };
          break;
        case 'energy':
          energy = {};
          break;
        case 'structure':
          structure = { name: attrs.name ?? '', basis: [], positions: [] };
          break;
        case 'varray': {
          varrayName = attrs.name ?? '';
          const inStructure = structure !== null && (attrs.name === 'basis' || attrs.name === 'positions');
          const inCalc =
            calc !== null &&
            parent() === 'calculation' &&
            (attrs.name === 'forces' || attrs.name === 'stress');
          rows = inStructure || inCalc ? [] : null;
          break;
        }
        case 'array':
          array = inside('atominfo') ? { name: attrs.name ?? '', rows: [] } : null;
          break;
        case 'rc':
          rc = array ? [] : null;
          break;
      }
      return undefined;
    },
    text(chunk) {
      text?.push(chunk);
    },
    close(name) {
      stack.pop();
      const value = text?.join('') ?? '';
      switch (name) {
        case 'i':
        case 'v': {
          text = null;
          if (rows && name === 'v') rows.push(vec3(value));
          else if (energy && leafName !== null && name === 'i') energy[leafName] = Number(value.trim());
          else if (leafName !== null && inside('parameters')) parameters[leafName] ??= value.trim();
          else if (leafName !== null && parent(0) === 'incar') incar[leafName] ??= value.trim();
          else if (leafName === 'version' && parent(0) === 'generator') version = value.trim();
          break;
        }
        case 'c':
          text = null;
          rc?.push(value.trim());
          break;
        case 'rc':
          if (array && rc) array.rows.push(rc);
          rc = null;
          break;
        case 'array':
          if (array?.name === 'atoms') species = array.rows.map((r) => r[0] ?? '');
          if (array?.name === 'atomtypes') potcarTitles = array.rows.map((r) => r[4] ?? '');
          array = null;
          break;
        case 'varray':
          if (rows && structure) {
            if (varrayName === 'basis') structure.basis = rows;
            else structure.positions = rows;
          } else if (rows && calc) {
            // A direct child of <calculation> (checked on open).
            if (varrayName === 'forces') calc.forces = rows;
            else calc.stress = rows;
          }
          rows = null;
          break;
        case 'structure': {
          const s =
            structure && structure.basis.length === 3
              ? { lattice: structure.basis as unknown as Mat3, fracCoords: structure.positions }
              : null;
          if (calc && parent(0) === 'calculation') calc.structure = s;
          else if (structure?.name === 'initialpos') initialStructure = s;
          else if (structure?.name === 'finalpos') finalStructure = s;
          structure = null;
          break;
        }
        case 'energy':
          if (calc && energy) {
            if (parent(0) === 'scstep') calc.scEnergies.push(energy.e_fr_energy ?? Number.NaN);
            else if (parent(0) === 'calculation') calc.energy = energy;
          }
          energy = null;
          break;
        case 'calculation':
          if (calc) calculations.push(finishCalculation(calc));
          calc = null;
          break;
      }
    },
  });

  // A truncated file may end inside the last <calculation> after its energies were written.
  const draft = calc as CalculationDraft | null;
  if (draft && draft.energy && draft.forces) calculations.push(finishCalculation(draft));

  return {
    version,
    parameters,
    incar,
    species,
    potcarTitles,
    initialStructure,
    finalStructure,
    calculations,
    complete: result.complete,
  };
}

function finishCalculation(c: CalculationDraft): VasprunCalculation {
  const energy: Record<string, number> = {};
  for (const [xml, key] of Object.entries(ENERGY_NAMES)) {
    const x = c.energy?.[xml];
    if (x !== undefined && Number.isFinite(x)) energy[key] = x;
  }
  return {
    scStepFreeEnergiesEv: c.scEnergies,
    structure: c.structure,
    forcesEvPerA: c.forces,
    stressKbar: c.stress,
    energy: energy as VasprunEnergy,
  };
}
