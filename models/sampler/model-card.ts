/**
 * The generator's model card (`<name>.card.json` beside `<name>.onnx`), validated with zod. Only
 * the fields the runtime needs are checked; the rest (architecture, training data, checks,
 * metrics) is kept as written.
 *
 * ```json
 * { "name": "diffcsp-mp20", "kind": "generator", "format": "matdisc-generator-v1",
 *   "schedule": "diffcsp-mp20.schedule.json", "sha256": "3f5c…", "metrics": {} }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { GeneratorModelError } from './errors.js';

/** The ONNX contract this runtime reads (DESIGN.md, "Generator"). */
export const GENERATOR_FORMAT = 'matdisc-generator-v1';

export const GeneratorCardSchema = z.looseObject({
  name: z.string().min(1),
  kind: z.literal('generator'),
  format: z.literal(GENERATOR_FORMAT),
  /** Schedule file name, relative to the card's folder. */
  schedule: z.string().min(1).optional(),
  /** Lower-case hex SHA-256 of the .onnx file. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lower-case hex digits' })
    .optional(),
  /** True for an untrained fixture (outputs are noise). */
  untrained: z.boolean().optional(),
  /** Marks the default model of `models/generator/` when there are several. */
  default: z.boolean().optional(),
  /** Evaluation results, written by `matdisc evaluate-generator`. */
  metrics: z.record(z.string(), z.unknown()).optional(),
});

export type GeneratorCard = z.infer<typeof GeneratorCardSchema>;

/** `path/to/x.onnx` -> `path/to/x.card.json`. */
export function generatorCardPath(onnxPath: string): string {
  return onnxPath.replace(/\.onnx$/i, '') + '.card.json';
}

/** Reads and validates a card; throws {@link GeneratorModelError} naming every bad field. */
export async function readGeneratorCard(path: string): Promise<GeneratorCard> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new GeneratorModelError(
      `generator card ${path} cannot be read as JSON (${(err as Error).message})`,
      path,
      [],
      { cause: err },
    );
  }
  const result = GeneratorCardSchema.safeParse(json);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => (i.path.length ? i.path.join('.') : '(root)'));
  const detail = result.error.issues
    .map((i) => `field ${JSON.stringify(i.path.length ? i.path.join('.') : '(root)')}: ${i.message}`)
    .join('; ');
  throw new GeneratorModelError(`generator card ${path} is invalid: ${detail}`, path, fields);
}
