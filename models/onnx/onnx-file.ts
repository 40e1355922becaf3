/**
 * The .onnx file on disk: its card's path, its stat, and its sha256 checked against the card.
 * Error messages are the caller's, so each runtime names its own kind of model.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** `path/to/x.onnx` -> `path/to/x.card.json`. */
export function cardPathFor(onnxPath: string): string {
  return onnxPath.replace(/\.onnx$/i, '') + '.card.json';
}

/** Stats `path`; throws `unreadable(err)` when it cannot be. */
export async function statModelFile(path: string, unreadable: (err: Error) => Error): Promise<Stats> {
  try {
    return await stat(path);
  } catch (err) {
    throw unreadable(err as Error);
  }
}

// Hashing a large model takes seconds: hash each file version ("path|mtime|size") once.
const sha256ByVersion = new Map<string, string>();

/** Throws `mismatch(actual)` unless the sha256 of `path` (whose stat is `info`) is `expected`. */
export async function verifySha256(
  path: string,
  info: Stats,
  expected: string,
  mismatch: (actual: string) => Error,
): Promise<void> {
  const stamp = `${path}|${info.mtimeMs}|${info.size}`;
  let sha = sha256ByVersion.get(stamp);
  if (!sha) {
    sha = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    sha256ByVersion.set(stamp, sha);
  }
  if (sha !== expected) throw mismatch(sha);
}
