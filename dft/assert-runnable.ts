/**
 * The runnable check of the engine seam: every engine refuses the same structures (the input
 * limits every entry point shares, `crystal/assert-valid-structure.ts`) before it writes a file.
 */
import { STRUCTURE_INPUT_LIMITS } from '../crystal/assert-valid-structure.js';
import { Element } from '../crystal/elements.js';
import type { Structure } from '../crystal/structure.js';
import { checkValidity } from '../crystal/validity.js';
import { EngineInputError } from './errors.js';

/** Throws `EngineInputError` (field 'structure') when `engine` could not run `structure`. */
export function assertRunnable(structure: Structure, engine: 'qe' | 'vasp'): void {
  const validity = checkValidity(structure, STRUCTURE_INPUT_LIMITS);
  if (validity.valid) return;
  const element = structure.species.find((el) => !Element.isElement(el));
  throw new EngineInputError(`invalid structure: ${validity.reasons.map((r) => r.message).join('; ')}`, {
    engine,
    field: 'structure',
    ...(element !== undefined ? { element } : {}),
  });
}
