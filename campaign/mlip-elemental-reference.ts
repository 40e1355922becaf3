/**
 * μ_el at an MLIP's level of theory: the lowest energy per atom the MLIP reaches for an element, so
 * that its formation energies compare like with like (DESIGN.md, Conventions).
 *
 * The cells tried are the element's DFT reference structure (`elemental-references.ts`: its
 * ground-state solid, or the molecule or atom in its box, relaxed at fixed cell like the DFT one),
 * the simple prototypes of `models/prototypes` for elements that are solids, and the element's
 * stored reference phases. A relaxation that stopped on a collapsing cell is no reference: fcc F
 * falls into itself and SevenNet-0 reports −10²⁴ eV/atom there, which once put every F compound
 * 10²⁴ eV/atom above the hull.
 *
 * ```ts
 * await mlipElementalReferenceEnergy(model, 'F', [], { fmax: 0.1, steps: 100 }); // ≈ −1.9 eV/atom (F₂)
 * ```
 */
import type { Structure } from '../crystal/structure.js';
import type { MlipModel } from '../models/mlip/index.js';
import { StopReason, relax } from '../models/relax/index.js';
import { elementalPrototypes } from '../models/prototypes/prototype-generator.js';
import { elementalReference } from './elemental-references.js';

/** The lowest physical MLIP energy per atom of `element`, eV/atom; throws when every relaxation collapsed. */
export async function mlipElementalReferenceEnergy(
  model: MlipModel,
  element: string,
  storedPhases: readonly Structure[],
  options: { readonly fmax: number; readonly steps: number },
): Promise<number> {
  const reference = elementalReference(element);
  const inBox = reference.kind === 'molecule' || reference.kind === 'atom';
  const crystals = [
    ...(inBox ? [] : elementalPrototypes(element).map((p) => p.structure)),
    ...(reference.kind === 'solid' && reference.structure ? [reference.structure] : []),
    ...storedPhases,
  ];
  const relaxed = [
    ...(inBox && reference.structure
      ? await relax(model, [reference.structure], { ...options, relaxCell: false })
      : []),
    ...(crystals.length ? await relax(model, crystals, options) : []),
  ].filter((r) => r.stopReason !== StopReason.unphysical && Number.isFinite(r.energyPerAtomEv));
  if (relaxed.length === 0)
    throw new Error(
      `no MLIP elemental reference for ${element}: every relaxation of its cells collapsed; import a phase of ${element} (matdisc db import-reference FILE)`,
    );
  return Math.min(...relaxed.map((r) => r.energyPerAtomEv));
}
