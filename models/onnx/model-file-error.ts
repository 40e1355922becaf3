/**
 * The base of the errors about a model's files (the .onnx, its card, its schedule), shared by the
 * potential and generator runtimes. Subclasses carry the retry contract in their name; every one
 * of them is an input error a retry cannot fix.
 */

/** A model file that cannot be used: missing, unreadable, invalid, or not matching its card. */
export class ModelFileError extends Error {
  override readonly name: string = 'ModelFileError';
  /** Dotted paths of the card or schedule fields that failed, e.g. `['cutoff_a', 'elements.3']`. */
  readonly fields: readonly string[];

  constructor(
    message: string,
    /** The file concerned (.onnx, .card.json, .schedule.json, or a models folder). */
    readonly path: string,
    options: { readonly fields?: readonly string[]; readonly cause?: unknown } = {},
  ) {
    // Error sets `cause` whenever the key is present, even to undefined.
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.fields = options.fields ?? [];
  }
}
