/**
 * A model's JSON files (its card, the generator's schedule): read, parsed and validated with zod.
 * Every failure names the file and each bad field; the error classes are the caller's.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';

/** What a runtime's errors for one kind of JSON file say and are. */
export interface JsonFileErrors {
  /** What the file is; every message starts with it: 'model card', 'generator schedule'. */
  readonly label: string;
  /** Why the file must be there, appended to the "cannot be read" message. */
  readonly hint?: string;
  /** The error for malformed JSON (`fields` empty, with `cause`) or invalid fields. */
  readonly invalid: (message: string, path: string, details: JsonFileErrorDetails) => Error;
  /** The error for a file that cannot be read (default: `invalid`). */
  readonly unreadable?: (message: string, path: string, details: JsonFileErrorDetails) => Error;
}

export interface JsonFileErrorDetails {
  /** Dotted paths of the bad fields, '(root)' for the whole value. */
  readonly fields: readonly string[];
  /** Present only when there is an underlying error. */
  readonly cause?: unknown;
}

/** Messages quote this many issues at most (a schedule's long arrays can fail entry by entry). */
const MAX_ISSUES_SHOWN = 8;

/** Validates parsed JSON with `schema`; throws `errors.invalid` naming every bad field. */
export function parseJsonFile<T extends z.ZodType>(
  schema: T,
  value: unknown,
  path: string,
  errors: JsonFileErrors,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => (i.path.length ? i.path.join('.') : '(root)'));
  const detail = result.error.issues
    .slice(0, MAX_ISSUES_SHOWN)
    .map((i, k) => `field ${JSON.stringify(fields[k])}: ${i.message}`)
    .join('; ');
  throw errors.invalid(`${errors.label} ${path} is invalid: ${detail}`, path, { fields });
}

/** Reads and parses a JSON file, not yet validated. */
export async function readJsonFile(path: string, errors: JsonFileErrors): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const message =
      `${errors.label} ${path} cannot be read (${(err as Error).message})` +
      (errors.hint ? `: ${errors.hint}` : '');
    throw (errors.unreadable ?? errors.invalid)(message, path, { fields: [], cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = `${errors.label} ${path} is not valid JSON: ${(err as Error).message}`;
    throw errors.invalid(message, path, { fields: [], cause: err });
  }
}
