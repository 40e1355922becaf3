/**
 * Messages VASP prints to stdout when it stops on an error, and what they mean for the retry
 * contract. The substrings are custodian's (materialsproject/custodian, custodian/vasp/handlers.py,
 * `VaspErrorHandler.error_msgs`), plus VASP's own complaints about unreadable input files.
 *
 * `input` errors are not retried (the outcome is 'input_error'); `numerical` ones describe a crash
 * and go into its reason, so the stored attempt says what happened.
 */

export interface KnownVaspError {
  /** custodian's key where there is one, e.g. 'zbrent'. */
  readonly id: string;
  readonly kind: 'input' | 'numerical';
  /** Substrings, any of which identifies the error. */
  readonly messages: readonly string[];
  /** What it means and what fixes it, in words. */
  readonly advice: string;
}

export const KNOWN_VASP_ERRORS: readonly KnownVaspError[] = [
  {
    id: 'read_error',
    kind: 'input',
    messages: ['Error reading item', 'ERROR: there must be 1 or 3 items on line 2 of POSCAR'],
    advice: 'VASP could not read an input file: check the INCAR tag named in the message',
  },
  {
    id: 'potcar_mismatch',
    kind: 'input',
    messages: ['number of potentials on File POTCAR incompatible', 'POTCAR and POSCAR are incompatible'],
    advice: 'POTCAR entries do not match the POSCAR species blocks',
  },
  {
    id: 'triple_product',
    kind: 'input',
    messages: ['ERROR: the triple product of the basis vectors'],
    advice: 'the lattice is left-handed; VASP needs a right-handed cell',
  },
  {
    id: 'zbrent',
    kind: 'numerical',
    messages: ['ZBRENT: fatal internal in', 'ZBRENT: fatal error in bracketing'],
    advice: 'line search failed: IBRION 1 from CONTCAR usually helps',
  },
  {
    id: 'brmix',
    kind: 'numerical',
    messages: ['BRMIX: very serious problems'],
    advice: 'charge mixing broke down',
  },
  {
    id: 'edddav',
    kind: 'numerical',
    messages: ['Error EDDDAV: Call to ZHEGV failed'],
    advice: 'Davidson diagonalisation failed: try ALGO All',
  },
  {
    id: 'zpotrf',
    kind: 'numerical',
    messages: ['LAPACK: Routine ZPOTRF failed'],
    advice: 'Cholesky decomposition failed, often atoms too close or a too large ionic step',
  },
  {
    id: 'subspacematrix',
    kind: 'numerical',
    messages: ['WARNING: Sub-Space-Matrix is not hermitian in DAV'],
    advice: 'try LREAL .FALSE.',
  },
  {
    id: 'pricel',
    kind: 'numerical',
    messages: ['internal error in subroutine PRICEL'],
    advice: 'symmetry search failed: try ISYM 0 or SYMPREC 1e-8',
  },
  { id: 'too_few_bands', kind: 'numerical', messages: ['TOO FEW BANDS'], advice: 'raise NBANDS' },
];

/** Known errors found in `text` (stdout of VASP), in table order. */
export function findVaspErrors(text: string): KnownVaspError[] {
  return KNOWN_VASP_ERRORS.filter((e) => e.messages.some((m) => text.includes(m)));
}
