/**
 * The model card: `<name>.card.json` beside every `<name>.onnx` potential. It states what the
 * runtime needs to build the inputs (cutoff, elements) and what it must check (members, sha256).
 *
 * ```json
 * { "name": "morse-committee", "kind": "mlip", "format": "matdisc-potential-v1",
 *   "cutoff_a": 5.0, "members": 4, "elements": ["H", "He", "..."], "sha256": "3f5c…" }
 * ```
 */
import { z } from 'zod';
import { Element } from '../../crystal/elements.js';
import { parseJsonFile, readJsonFile, type JsonFileErrors } from '../onnx/json-file.js';
import { ModelCardError } from './errors.js';

export { cardPathFor } from '../onnx/onnx-file.js';

/** The one format this runtime reads (the ONNX contract of DESIGN.md, "Potential"). */
export const POTENTIAL_FORMAT = 'matdisc-potential-v1';

export const ModelCardSchema = z.looseObject({
  /** Model name; by convention the file base name (`models/mlip/<name>.onnx`). */
  name: z.string().min(1),
  kind: z.literal('mlip'),
  format: z.literal(POTENTIAL_FORMAT),
  /** Neighbour-list cutoff, Å. */
  cutoff_a: z.number().positive().max(20),
  /** Committee size M (leading axis of `energy` and `edge_grad`). */
  members: z.number().int().positive(),
  /** Element symbols the model was trained on. */
  elements: z
    .array(z.string().refine((s) => Element.isElement(s), { message: 'not an element symbol (H..Pu)' }))
    .min(1),
  /** Lower-case hex SHA-256 of the .onnx file. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lower-case hex digits' }),
  /** Marks the default model of `models/mlip/` when there are several. */
  default: z.boolean().optional(),
  description: z.string().optional(),
});

/** A validated model card (extra fields are kept). */
export type ModelCard = z.infer<typeof ModelCardSchema>;

const CARD_ERRORS: JsonFileErrors = {
  label: 'model card',
  hint: 'every .onnx potential needs a <name>.card.json beside it',
  invalid: (message, path, { fields, ...options }) => new ModelCardError(message, path, fields, options),
};

/** Validates parsed JSON as a model card; throws {@link ModelCardError} naming every bad field. */
export function parseModelCard(value: unknown, path: string): ModelCard {
  return parseJsonFile(ModelCardSchema, value, path, CARD_ERRORS);
}

/** Reads and validates a card file. */
export async function readModelCard(path: string): Promise<ModelCard> {
  return parseModelCard(await readJsonFile(path, CARD_ERRORS), path);
}
