/**
 * Turns a structure and a `QeProfile` into a resolved `PwInput`: validates the structure, picks
 * the SSSP pseudopotentials and cutoffs, the k-point grid, spin polarisation and the per-atom
 * thresholds. Everything it derives is also returned as `resolved`, which each attempt stores.
 */
import { Element } from '../../crystal/elements.js';
import { Structure } from '../../crystal/structure.js';
import { assertRunnable } from '../assert-runnable.js';
import { hubbardUFor } from '../hubbard-u.js';
import { EngineInputError } from '../errors.js';
import { isIsolatedInBox, monkhorstPackGrid } from './kpoints.js';
import type { QeProfile } from './profiles.js';
import type { PwInput, PwSpecies } from './pw-input.js';
import { RY_PER_BOHR_IN_EV_PER_A } from './qe-units.js';
import { cutoffsFor, pseudopotentialsFor, type SsspLibrary } from './sssp.js';

/**
 * Elements that get a starting magnetic moment under `spinPolarization: 'auto'`: the 3d metals
 * V–Ni, the 4d/5d Mo and W, the lanthanides Ce–Lu and U–Pu. This follows the elements with
 * non-default MAGMOM in pymatgen's MPRelaxSet (io/vasp/MPRelaxSet.yaml).
 */
export const MAGNETIC_ELEMENTS: ReadonlySet<string> = new Set([
  ...['V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Mo', 'W'],
  ...['Ce', 'Pr', 'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu'],
  ...['U', 'Np', 'Pu'],
]);

/**
 * O₂'s ground state is a triplet (³Σg⁻, two unpaired electrons): a cell of one O₂ molecule (the
 * oxygen reference in a box) runs spin-polarised under `spinPolarization: 'auto'`, as the
 * Materials Project gives O a starting moment.
 */
export function isOxygenMolecule(structure: Structure): boolean {
  return structure.species.length === 2 && structure.species.every((el) => el === 'O');
}

export interface ResolvedPwInput {
  readonly input: PwInput;
  readonly resolved: Readonly<Record<string, unknown>>;
}

/** Resolves every pw.x value for `structure` under `profile`, with pseudopotentials from `library`. */
export async function resolvePwInput(
  structure: Structure,
  profile: QeProfile,
  library: SsspLibrary,
  names: { readonly prefix: string; readonly outdir: string } = { prefix: 'pwscf', outdir: './out' },
): Promise<ResolvedPwInput> {
  assertRunnable(structure, 'qe');
  const elements = [...Structure.composition(structure).keys()];
  const pseudos = await pseudopotentialsFor(library, elements);
  const sssp = cutoffsFor(pseudos);
  const ecutwfcRy = profile.ecutwfcRy ?? sssp.ecutwfcRy * profile.cutoffScale;
  const ecutrhoRy = profile.ecutrhoRy ?? sssp.ecutrhoRy * profile.cutoffScale;
  const kpoints: [number, number, number] = isIsolatedInBox(structure.lattice, structure.fracCoords)
    ? [1, 1, 1]
    : (profile.kpointGrid ?? monkhorstPackGrid(structure.lattice, profile.kpointDensity));

  const magnetic = isOxygenMolecule(structure) ? ['O'] : elements.filter((el) => MAGNETIC_ELEMENTS.has(el));
  const spin =
    profile.spinPolarization === 'on' || (profile.spinPolarization === 'auto' && magnetic.length > 0);
  if (spin && profile.occupations === 'fixed') {
    throw new EngineInputError(
      `spin polarisation is needed for ${magnetic.join(', ')} but occupations is 'fixed': use 'smearing' or spinPolarization 'off'`,
      { engine: 'qe', field: 'occupations' },
    );
  }
  const moment = (el: string) =>
    magnetic.length === 0 || magnetic.includes(el) ? profile.startingMagnetization : 0;
  const hubbardUEv = profile.hubbardU === 'mp2020' ? hubbardUFor(elements) : null;
  const species: PwSpecies[] = pseudos.map((p) => ({
    label: p.element,
    massAmu: Element.bySymbol(p.element).atomicMass,
    pseudoFile: p.filename,
    startingMagnetization: spin ? moment(p.element) : 0,
    hubbardUEv: hubbardUEv?.get(p.element) ?? 0,
  }));
  const nat = structure.species.length;
  const input: PwInput = {
    calculation: profile.calculation,
    prefix: names.prefix,
    outdir: names.outdir,
    pseudoDir: library.pseudoDir,
    structure,
    species,
    ecutwfcRy,
    ecutrhoRy,
    kpoints,
    occupations: profile.occupations,
    smearing: profile.smearing,
    degaussRy: profile.degaussRy,
    nspin: spin ? 2 : 1,
    convThrRy: profile.convThrPerAtomRy * nat,
    mixingBeta: profile.mixingBeta,
    mixingMode: profile.mixingMode,
    electronMaxstep: profile.electronMaxstep,
    diagonalization: profile.diagonalization,
    etotConvThrRy: profile.etotConvThrPerAtomRy * nat,
    forcConvThrRyPerBohr: Number((profile.forcConvThrEvPerA / RY_PER_BOHR_IN_EV_PER_A).toPrecision(4)),
    pressConvThrKbar: profile.pressConvThrKbar,
    nstep: profile.nstep,
  };
  const resolved = {
    ecutwfcRy,
    ecutrhoRy,
    kpoints: [...kpoints],
    nspin: input.nspin,
    convThrRy: input.convThrRy,
    ...(hubbardUEv ? { hubbardUEv: Object.fromEntries(hubbardUEv) } : {}),
    pseudopotentials: Object.fromEntries(pseudos.map((p) => [p.element, p.filename])),
  };
  return { input, resolved };
}
