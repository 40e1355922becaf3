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
import { z } from 'zod';
import { parseJsonFile, readJsonFile, type JsonFileErrors } from '../onnx/json-file.js';
import { cardPathFor } from '../onnx/onnx-file.js';
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
export const generatorCardPath = cardPathFor;

const CARD_ERRORS: JsonFileErrors = {
  label: 'generator card',
  invalid: (message, path, { fields, ...options }) => new GeneratorModelError(message, path, fields, options),
};

/** Reads and validates a card; throws {@link GeneratorModelError} naming every bad field. */
export async function readGeneratorCard(path: string): Promise<GeneratorCard> {
  return parseJsonFile(GeneratorCardSchema, await readJsonFile(path, CARD_ERRORS), path, CARD_ERRORS);
}
