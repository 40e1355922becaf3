/**
 * The error the structure file helpers throw when a file cannot be read as text at all: missing,
 * a directory, unreadable, empty, not text, or a broken gzip stream. The message starts with the
 * path and ends with what to do; `code` is Node's error code (ENOENT, EISDIR, Z_BUF_ERROR, …) or
 * one of ours ('EMPTY', 'BINARY').
 */
export class StructureFileError extends Error {
  override readonly name = 'StructureFileError';
  constructor(
    message: string,
    /** The path as the caller gave it. */
    readonly path: string,
    /** Node's error code, or 'EMPTY' / 'BINARY'. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
