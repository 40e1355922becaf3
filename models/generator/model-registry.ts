/**
 * Where generator models live: `NAME` means `models/generator/NAME.onnx`; anything with a slash
 * or ending in `.onnx` is a path. Without a name, the default is `diffcsp-mp20`, the model the
 * training package exports (see `models/generator/README.md`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GeneratorModelNotFoundError } from './errors.js';

/** `models/generator/` of this checkout. */
export const DEFAULT_GENERATOR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'generator');

/** The model used when none is named. */
export const DEFAULT_GENERATOR_NAME = 'diffcsp-mp20';

/** The untrained fixture the tests use; runs anywhere, produces noise. */
export const FIXTURE_GENERATOR = 'test/models/generator/fixtures/denoiser-tiny.onnx';

/** How to get the default model; quoted by every "missing model" message. */
export const HOW_TO_GET_GENERATOR =
  'train and export it with `cd models/training && ../../.venv/bin/python -m matdisc_training generator-train ' +
  '--out ../generator` (see models/generator/README.md), or pass --model PATH to another exported denoiser ' +
  `(e.g. the untrained fixture ${FIXTURE_GENERATOR}, which produces noise)`;

/** Names of the generators in `dir` (each `<name>.onnx` with a `<name>.schedule.json`). */
export function listGeneratorNames(dir = DEFAULT_GENERATOR_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.onnx') && existsSync(join(dir, f.replace(/\.onnx$/, '.schedule.json'))))
    .map((f) => f.replace(/\.onnx$/, ''))
    .sort();
}

/**
 * Resolves a model name or path to an existing .onnx path; throws
 * {@link GeneratorModelNotFoundError} naming the path and how to get the model.
 */
export function resolveGeneratorPath(nameOrPath?: string, dir = DEFAULT_GENERATOR_DIR): string {
  const given = nameOrPath !== undefined && nameOrPath !== '';
  const path =
    given && (/[\\/]/.test(nameOrPath) || /\.onnx$/i.test(nameOrPath))
      ? resolve(nameOrPath)
      : join(dir, `${given ? nameOrPath : DEFAULT_GENERATOR_NAME}.onnx`);
  if (existsSync(path)) return path;
  const known = listGeneratorNames(dir);
  const what = given ? `generator model ${JSON.stringify(nameOrPath)}` : 'the default generator model';
  throw new GeneratorModelNotFoundError(
    `${what} is missing: no file at ${path}` +
      (known.length ? ` (models in ${dir}: ${known.join(', ')})` : '') +
      `; ${HOW_TO_GET_GENERATOR}`,
    path,
  );
}
