/**
 * Writes a minimal pw.x input for one structure, for `matdisc convert`: the structure exactly
 * (`ibrav = 0`, `CELL_PARAMETERS angstrom`, `ATOMIC_POSITIONS crystal`, from qe-cards.ts) and just
 * enough else for pw.x to accept the file. The pseudopotential names (`<El>.UPF`), `ecutwfc` and the
 * k-point mesh are placeholders, said so in the file's comment lines: a real calculation sets them
 * (`matdisc dft` writes its own inputs from a profile, in dft/qe/pw-input.ts). {@link readQeInput}
 * reads the structure back.
 *
 * ```
 * ! Written by matdisc: a minimal pw.x input. Placeholders to set before a real run: …
 * &CONTROL
 *   calculation = 'scf'
 *   prefix = 'Si'
 * /
 * &SYSTEM
 *   ibrav = 0
 *   nat = 2
 *   ntyp = 1
 *   ecutwfc = 30.0
 * /
 * &ELECTRONS
 * /
 * ATOMIC_SPECIES
 * Si  28.085  Si.UPF
 * CELL_PARAMETERS angstrom
 * …
 * ATOMIC_POSITIONS crystal
 * …
 * K_POINTS automatic
 * 8 8 8 0 0 0
 * ```
 */
import { Element } from '../elements.js';
import { inverse3 } from '../lattice.js';
import { Structure } from '../structure.js';
import { writeQeCellAndPositions } from './qe-cards.js';

/** Placeholder cutoff (Ry): pw.x refuses an input without ecutwfc; the pseudopotentials decide the real one. */
const PLACEHOLDER_ECUTWFC_RY = 30;

/** Placeholder k-point spacing (Å⁻¹, 2π included): a mesh that is neither absurdly coarse nor slow. */
const PLACEHOLDER_K_SPACING = 0.25;

/** The pw.x input text of `s`. */
export function writeQeInput(s: Structure): string {
  // Species in order of first appearance, so ATOMIC_SPECIES lists each element once.
  const elements = [...new Set(s.species)];
  const prefix = Structure.reducedFormula(s).replace(/[^A-Za-z0-9_-]/g, '_');
  return [
    '! Written by matdisc: a minimal pw.x input. Placeholders to set before a real run: the',
    '! pseudopotential files (<El>.UPF, looked for in pseudo_dir), ecutwfc and the K_POINTS mesh.',
    '&CONTROL',
    "  calculation = 'scf'",
    `  prefix = '${prefix}'`,
    '/',
    '&SYSTEM',
    '  ibrav = 0',
    `  nat = ${s.species.length}`,
    `  ntyp = ${elements.length}`,
    `  ecutwfc = ${PLACEHOLDER_ECUTWFC_RY.toFixed(1)}`,
    '/',
    '&ELECTRONS',
    '/',
    'ATOMIC_SPECIES',
    ...elements.map((el) => `${el}  ${Element.bySymbol(el).atomicMass}  ${el}.UPF`),
    writeQeCellAndPositions(s).trimEnd(),
    'K_POINTS automatic',
    `${kMesh(s).join(' ')} 0 0 0`,
  ]
    .join('\n')
    .concat('\n');
}

/** Monkhorst-Pack divisions with about {@link PLACEHOLDER_K_SPACING} between points along each axis. */
function kMesh(s: Structure): [number, number, number] {
  const inv = inverse3(s.lattice);
  // Reciprocal vector i is 2π times column i of the inverse lattice (rows are lattice vectors).
  const lengths = [0, 1, 2].map((i) => 2 * Math.PI * Math.hypot(...inv.map((row) => row[i]!)));
  return lengths.map((b) => Math.max(1, Math.ceil(b / PLACEHOLDER_K_SPACING))) as [number, number, number];
}
