/**
 * Every generator the conformance tests run over (STYLE.md T6): the untrained fixture always, and
 * each exported model in `models/generator/` once it exists.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_GENERATOR_DIR, listGeneratorNames } from '../../../models/generator/index.js';
import { TINY } from './fixture.js';

export interface GeneratorUnderTest {
  readonly name: string;
  readonly path: string;
  /** `<name>.reference.json` (inputs + PyTorch outputs) when the export wrote one. */
  readonly reference?: string;
}

export function generatorsUnderTest(): GeneratorUnderTest[] {
  const withRef = (name: string, path: string): GeneratorUnderTest => {
    const reference = path.replace(/\.onnx$/, '.reference.json');
    return existsSync(reference) ? { name, path, reference } : { name, path };
  };
  return [
    withRef('denoiser-tiny (fixture)', TINY),
    ...listGeneratorNames().map((n) => withRef(n, join(DEFAULT_GENERATOR_DIR, `${n}.onnx`))),
  ];
}
