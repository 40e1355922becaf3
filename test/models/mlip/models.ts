/**
 * Every potential the conformance suite runs over (STYLE.md T6): the Morse fixture always, and
 * each trained model in `models/mlip/` (committed, so at least one).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const MORSE = join(FIXTURES, 'morse-committee.onnx');
export const MORSE_IDENTICAL = join(FIXTURES, 'morse-identical.onnx');
export const MORSE_WIDE = join(FIXTURES, 'morse-wide.onnx');
export const MORSE_PARAMS = join(FIXTURES, 'morse-committee.params.json');
const MLIP_DIR = resolve(FIXTURES, '..', '..', '..', '..', 'models', 'mlip');

export interface ModelUnderTest {
  readonly name: string;
  readonly path: string;
  /** Analytic fixtures are smooth everywhere; trained models get looser tolerances. */
  readonly analytic: boolean;
}

export function modelsUnderTest(): ModelUnderTest[] {
  const out: ModelUnderTest[] = [{ name: 'morse-committee (fixture)', path: MORSE, analytic: true }];
  for (const f of readdirSync(MLIP_DIR).sort()) {
    if (!f.endsWith('.onnx') || !existsSync(join(MLIP_DIR, f.replace(/\.onnx$/, '.card.json')))) continue;
    out.push({ name: f.replace(/\.onnx$/, ''), path: join(MLIP_DIR, f), analytic: false });
  }
  // The trained models are committed: finding none means this path is wrong, not that none exist.
  if (out.length === 1) throw new Error(`no trained model with a card in ${MLIP_DIR}`);
  return out;
}
