/**
 * The pure crystal core of matdisc: periodic structures, lattice math, compositions and
 * formulas, periodic neighbour lists, Niggli reduction, supercells, sanity checks, and readers and
 * writers for CIF, POSCAR/CONTCAR, extended XYZ and Quantum ESPRESSO pw.x files.
 *
 * Everything here is deterministic and free of I/O except `readStructureFile` /
 * `readStructuresFile` (node:fs); structures are plain readonly JSON with frozen companion
 * objects (`Structure.create(...)`, `Structure.reducedFormula(s)`), so they cross Temporal
 * activity boundaries and database rows unchanged.
 *
 * Units (fixed once, here): lengths, positions and lattices in Å, lattice rows are the vectors
 * a, b, c, fractional coordinates in [0, 1); angles in degrees; energies in eV; forces in eV/Å;
 * stress in eV/Å³ with ASE's sign (positive = tensile); masses in amu; densities in g/cm³.
 *
 * ```ts
 * import { Lattice, Structure, neighborList, readStructure, writePoscar } from './crystal/index.js';
 *
 * const si = Structure.create(Lattice.fromParameters(3.867, 3.867, 3.867, 60, 60, 60), ['Si', 'Si'], [
 *   [0, 0, 0],
 *   [0.25, 0.25, 0.25],
 * ]);
 * Structure.reducedFormula(si); // 'Si'
 * Structure.density(si); // ≈ 2.28 g/cm³ (a = 5.469 Å conventional)
 * neighborList(si, 2.5).src.length; // 8: four Si-Si bonds of 2.37 Å per atom
 * const again = readStructure(writePoscar(si), { fileName: 'POSCAR' });
 * ```
 *
 * Convex hulls and formation energies live in `crystal/hull/` (imported from there).
 * Space groups and symmetrization (moyo, as WebAssembly loaded on first use) live in
 * `crystal/symmetry/` (imported from there).
 */
export { Lattice, cross, det3, dot, inverse3, matmul3, norm, type Mat3, type Vec3 } from './lattice.js';
export { Structure } from './structure.js';
export { Element, UnknownElementError, type ElementData } from './elements.js';
export { Composition } from './composition.js';
export { neighborList, perpendicularWidths, type NeighborList } from './neighbor-list.js';
export { niggliParameters, niggliReduce, type NiggliOptions, type NiggliReduction } from './niggli.js';
export { supercell, type SupercellScaling } from './supercell.js';
export {
  checkValidity,
  ValidityCode,
  type ValidityOptions,
  type ValidityReason,
  type ValidityResult,
} from './validity.js';
export {
  assertValidStructure,
  COMPUTABLE_LIMITS,
  InvalidStructureError,
  STRUCTURE_INPUT_LIMITS,
  type AssertValidOptions,
} from './assert-valid-structure.js';

export {
  StructureFormat,
  StructureParseError,
  type ParseLocation,
  type ReadOptions,
} from './io/structure-parse-error.js';
export { readCif, readCifAll, writeCif, type CifEntry, type CifReadOptions } from './io/cif.js';
export {
  applySymmetryOperation,
  parseSymmetryOperation,
  type SymmetryOperation,
} from './io/symmetry-operation.js';
export { readPoscar, writePoscar } from './io/poscar.js';
export {
  readExtxyz,
  writeExtxyz,
  type ExtxyzColumn,
  type ExtxyzFrame,
  type ExtxyzFrameInput,
  type ExtxyzValue,
} from './io/extxyz.js';
export { BOHR_IN_ANGSTROM, writeQeCellAndPositions } from './io/qe-cards.js';
export { readQeInput } from './io/qe-input.js';
export { readQeOutput } from './io/qe-output.js';
export {
  formatFromContent,
  formatFromFileName,
  readStructure,
  readStructures,
  SUPPORTED_FORMATS_TEXT,
  type ReadStructureOptions,
} from './io/read-structure.js';
export {
  fileReadError,
  readStructureFile,
  readStructuresFile,
  readTextFile,
} from './io/read-structure-file.js';
export { StructureFileError } from './io/structure-file-error.js';
