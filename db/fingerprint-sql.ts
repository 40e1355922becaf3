/** A structure's fingerprint in pgvector's text form, for `structures.fingerprint vector(128)`. */
import { fingerprint } from '../crystal/fingerprint/index.js';
import type { Structure } from '../crystal/structure.js';

export function fingerprintSql(s: Structure): string {
  return `[${Array.from(fingerprint(s), (x) => (Number.isFinite(x) ? x.toPrecision(7) : '0')).join(',')}]`;
}
