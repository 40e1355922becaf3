/**
 * Model names: `NAME` means `<modelsDir>/NAME.onnx` (default `models/mlip/`), or the model there
 * whose card says `"name": NAME`; anything that looks like a path (has a slash or ends in
 * `.onnx`) is used as given. The default model is the one whose card says `"default": true`, or
 * the only card in the directory.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelLoadError } from './errors.js';
import { readModelCard } from './model-card.js';

/** `models/mlip/` of this checkout: where the trained committee is written. */
export const DEFAULT_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'mlip');

/** True when `nameOrPath` should be read as a file path rather than a model name. */
export function looksLikePath(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || /\.onnx$/i.test(nameOrPath);
}

/**
 * Resolves a model name or path to an .onnx path; without one, the default model of
 * `modelsDir`. Throws {@link ModelLoadError} saying what to pass when nothing fits.
 */
export async function resolveModelPath(
  nameOrPath: string | undefined,
  modelsDir = DEFAULT_MODELS_DIR,
): Promise<string> {
  if (nameOrPath !== undefined && nameOrPath !== '') {
    if (looksLikePath(nameOrPath)) return resolve(nameOrPath);
    const path = join(modelsDir, `${nameOrPath}.onnx`);
    if (existsSync(path)) return path;
    // A card may name its model differently from the file: match on the card's "name" too.
    for (const stem of listModelNames(modelsDir)) {
      const card = await readModelCard(join(modelsDir, `${stem}.card.json`)).catch(() => undefined);
      if (card?.name === nameOrPath) return join(modelsDir, `${stem}.onnx`);
    }
    const known = listModelNames(modelsDir);
    throw new ModelLoadError(
      `no model named ${JSON.stringify(nameOrPath)} in ${modelsDir} ` +
        `(${known.length ? `known: ${known.join(', ')}` : 'it has no models'}); pass --model PATH to use a file elsewhere`,
      path,
    );
  }
  return defaultModelPath(modelsDir);
}

/** Names of the models in `modelsDir` (each .onnx with a .card.json beside it). */
export function listModelNames(modelsDir = DEFAULT_MODELS_DIR): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir)
    .filter(
      (f) => f.endsWith('.card.json') && existsSync(join(modelsDir, f.replace(/\.card\.json$/, '.onnx'))),
    )
    .map((f) => f.replace(/\.card\.json$/, ''))
    .sort();
}

async function defaultModelPath(modelsDir: string): Promise<string> {
  const names = listModelNames(modelsDir);
  if (names.length === 0) {
    throw new ModelLoadError(
      `no trained potential in ${modelsDir} yet (no <name>.onnx with a <name>.card.json): ` +
        'pass --model PATH to an .onnx file, e.g. --model test/models/mlip/fixtures/morse-committee.onnx',
      modelsDir,
    );
  }
  const cards = await Promise.all(
    names.map(async (n) => ({ n, card: await readModelCard(join(modelsDir, `${n}.card.json`)) })),
  );
  const marked = cards.filter((c) => c.card.default === true);
  if (marked.length === 1) return join(modelsDir, `${marked[0]!.n}.onnx`);
  if (cards.length === 1) return join(modelsDir, `${cards[0]!.n}.onnx`);
  throw new ModelLoadError(
    `${modelsDir} holds ${cards.length} models (${names.join(', ')}) and ` +
      `${marked.length === 0 ? 'none is' : `${marked.length} are`} marked "default": true in its card: pass --model NAME`,
    modelsDir,
  );
}

/** The name a model file is known by: its base name without `.onnx`. */
export function modelNameOf(path: string): string {
  return basename(path).replace(/\.onnx$/i, '');
}
