/**
 * The structure a relaxation ended on, read from pw.x output with crystal/io/qe-output.ts.
 *
 * - Converged vc-relax: the "Begin final coordinates … End final coordinates" block. The text is
 *   cut after it, because the final scf that follows reprints the cell only in alat units with
 *   6 decimals, while the block has 9 decimals in Å.
 * - Unconverged (nstep reached, killed): the last CELL_PARAMETERS / ATOMIC_POSITIONS printed,
 *   i.e. the next geometry BFGS proposed, which is where a restart continues.
 * - 'relax' keeps the cell fixed: the input lattice is used as given, with the parsed fractional
 *   positions, so no precision is lost.
 */
import { readQeOutput } from '../../crystal/io/qe-output.js';
import { Structure } from '../../crystal/structure.js';

/** Final structure of a relax/vc-relax; undefined when the output holds none. */
export function finalStructureOf(
  text: string,
  calculation: 'relax' | 'vc-relax',
  input: Structure,
): Structure | undefined {
  const end = text.indexOf('End final coordinates');
  const upTo = end >= 0 ? text.slice(0, end) : text;
  if (!/ATOMIC_POSITIONS/.test(upTo)) return undefined; // no step completed: nothing new
  let parsed: Structure;
  try {
    parsed = readQeOutput(upTo);
  } catch {
    return undefined;
  }
  if (calculation === 'relax') return Structure.create(input.lattice, parsed.species, parsed.fracCoords);
  return parsed;
}
