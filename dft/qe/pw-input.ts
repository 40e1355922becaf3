/**
 * Renders a pw.x input file from fully resolved values (`PwInput`; see pw-parameters.ts for how a
 * structure and a profile become one). Pure: no I/O, no defaults of its own.
 *
 * The structure is written with `ibrav = 0`, `CELL_PARAMETERS angstrom` and
 * `ATOMIC_POSITIONS crystal` (crystal/io/qe-cards.ts); forces and stress are always requested;
 * `outdir` is relative, so scratch data stays inside the attempt's directory; `pseudo_dir` is
 * absolute. Example (Si, test profile; golden text in test/dft/fixtures/golden/si-test.pw.in):
 *
 * ```
 * &CONTROL
 *   calculation = 'scf'
 *   …
 * /
 * ATOMIC_SPECIES
 * Si  28.085  Si.pbe-n-rrkjus_psl.1.0.0.UPF
 * CELL_PARAMETERS angstrom
 *     0.0000000000    2.7150000000    2.7150000000
 * …
 * K_POINTS automatic
 * 4 4 4 0 0 0
 * ```
 */
import { writeQeCellAndPositions } from '../../crystal/io/qe-cards.js';
import type { Structure } from '../../crystal/structure.js';

/** One `ATOMIC_SPECIES` line. */
export interface PwSpecies {
  readonly label: string;
  readonly massAmu: number;
  readonly pseudoFile: string;
  /** `starting_magnetization` when nspin = 2. */
  readonly startingMagnetization: number;
  /** Hubbard U on the species' d shell, eV (`Hubbard_U`, Dudarev); 0 for none. */
  readonly hubbardUEv: number;
}

/** Every value of a pw.x input, resolved. Units are pw.x's own, as the names say. */
export interface PwInput {
  readonly calculation: 'scf' | 'relax' | 'vc-relax';
  readonly prefix: string;
  /** Scratch folder, relative to the working directory. */
  readonly outdir: string;
  /** Absolute path. */
  readonly pseudoDir: string;
  readonly structure: Structure;
  /** In order of first appearance of each label in `structure.species`. */
  readonly species: readonly PwSpecies[];
  readonly ecutwfcRy: number;
  readonly ecutrhoRy: number;
  readonly kpoints: readonly [number, number, number];
  readonly occupations: 'smearing' | 'fixed';
  readonly smearing: string;
  readonly degaussRy: number;
  readonly nspin: 1 | 2;
  readonly convThrRy: number;
  readonly mixingBeta: number;
  readonly mixingMode: string;
  readonly electronMaxstep: number;
  readonly diagonalization: string;
  readonly etotConvThrRy: number;
  readonly forcConvThrRyPerBohr: number;
  readonly pressConvThrKbar: number;
  readonly nstep: number;
}

/** A Fortran real: '30.0', '0.7', '1.0d-8', '2.5d-10'. */
export function fortranReal(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write ${x} as a Fortran real`);
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return `${x}.0`;
  if (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6) return String(x);
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}d${Number(exponent)}`;
}

const str = (s: string) => `'${s}'`;
const bool = (b: boolean) => (b ? '.true.' : '.false.');

function namelist(name: string, entries: readonly (readonly [string, string] | null)[]): string {
  const lines = entries
    .filter((e): e is readonly [string, string] => e !== null)
    .map(([k, v]) => `  ${k} = ${v}`);
  return [`&${name}`, ...lines, '/'].join('\n');
}

/**
 * GGA+U in QE 6.7's syntax (`lda_plus_u`; QE 7.1 moved it to a HUBBARD card but still reads this):
 * Dudarev's form on ortho-atomic projectors, which keep the d occupations between 0 and 1 and give
 * forces and stress (Timrov et al., Phys. Rev. B 102, 235159 (2020)).
 */
function hubbardEntries(species: readonly PwSpecies[]): (readonly [string, string])[] {
  if (!species.some((s) => s.hubbardUEv > 0)) return [];
  return [
    ['lda_plus_u', bool(true)],
    ['lda_plus_u_kind', '0'],
    ['U_projection_type', str('ortho-atomic')],
    ...species.flatMap((s, i) =>
      s.hubbardUEv > 0 ? [[`Hubbard_U(${i + 1})`, fortranReal(s.hubbardUEv)] as const] : [],
    ),
  ];
}

/** The text of the pw.x input file. */
export function renderPwInput(p: PwInput): string {
  const relax = p.calculation !== 'scf';
  const smearing = p.occupations === 'smearing';
  const control = namelist('CONTROL', [
    ['calculation', str(p.calculation)],
    ['prefix', str(p.prefix)],
    ['outdir', str(p.outdir)],
    ['pseudo_dir', str(p.pseudoDir)],
    ['tprnfor', bool(true)],
    ['tstress', bool(true)],
    relax ? ['nstep', String(p.nstep)] : null,
    relax ? ['etot_conv_thr', fortranReal(p.etotConvThrRy)] : null,
    relax ? ['forc_conv_thr', fortranReal(p.forcConvThrRyPerBohr)] : null,
  ]);
  const system = namelist('SYSTEM', [
    ['ibrav', '0'],
    ['nat', String(p.structure.species.length)],
    ['ntyp', String(p.species.length)],
    ['ecutwfc', fortranReal(p.ecutwfcRy)],
    ['ecutrho', fortranReal(p.ecutrhoRy)],
    ['occupations', str(p.occupations)],
    smearing ? ['smearing', str(p.smearing)] : null,
    smearing ? ['degauss', fortranReal(p.degaussRy)] : null,
    ['nspin', String(p.nspin)],
    ...(p.nspin === 2
      ? p.species.map(
          (s, i) => [`starting_magnetization(${i + 1})`, fortranReal(s.startingMagnetization)] as const,
        )
      : []),
    ...hubbardEntries(p.species),
  ]);
  const electrons = namelist('ELECTRONS', [
    ['conv_thr', fortranReal(p.convThrRy)],
    ['mixing_beta', fortranReal(p.mixingBeta)],
    ['mixing_mode', str(p.mixingMode)],
    ['electron_maxstep', String(p.electronMaxstep)],
    ['diagonalization', str(p.diagonalization)],
  ]);
  const ions = relax ? namelist('IONS', [['ion_dynamics', str('bfgs')]]) : null;
  const cell =
    p.calculation === 'vc-relax'
      ? namelist('CELL', [
          ['cell_dynamics', str('bfgs')],
          ['press_conv_thr', fortranReal(p.pressConvThrKbar)],
        ])
      : null;
  const species = [
    'ATOMIC_SPECIES',
    ...p.species.map((s) => `${s.label}  ${s.massAmu}  ${s.pseudoFile}`),
  ].join('\n');
  const kpoints = ['K_POINTS automatic', `${p.kpoints.join(' ')} 0 0 0`].join('\n');
  return (
    [control, system, electrons, ions, cell, species].filter((b) => b !== null).join('\n') +
    '\n' +
    writeQeCellAndPositions(p.structure) +
    kpoints +
    '\n'
  );
}
