/**
 * Crystal symmetry: space groups (ITA number, Hermann–Mauguin symbol, Hall number, crystal
 * system) and symmetrization to the standardized cell, computed by moyo
 * (https://github.com/spglib/moyo, spglib's successor; Rust compiled to WebAssembly, package
 * `@spglib/moyo-wasm`). Synchronous; the WebAssembly is loaded from node_modules on first use.
 *
 * ```ts
 * import { spaceGroupOf, symmetrize } from './crystal/symmetry/index.js';
 *
 * spaceGroupOf(nacl); // { number: 225, symbol: 'Fm-3m', hallNumber: 523, crystalSystem: 'cubic', symprecA: 0.1 }
 * symmetrize(relaxed, { symprecA: 0.1 }); // primitive standardized cell, idealised
 * ```
 */
export {
  spaceGroupOf,
  symmetrize,
  type CrystalSystem,
  type SpaceGroup,
  type SpaceGroupOptions,
  type SymmetrizeOptions,
} from './space-group.js';
export { moyoDataset, spaceGroupType, type MoyoSetting } from './moyo.js';
export { SymmetryError, SymmetryErrorCode } from './errors.js';
