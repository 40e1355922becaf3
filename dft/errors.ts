/**
 * The DFT package's error hierarchy (STYLE.md E1, E2, E4). The class name is the retry contract:
 * an activity that lets one of these escape fails with an `ApplicationFailure` whose `type` is the
 * class name, so `EngineSetupError` and `EngineInputError` belong in `nonRetryableErrorTypes`.
 *
 * Scientific failures (an SCF that never converges, a relaxation out of steps) are not thrown by
 * `runCalculation`: they come back as a `failed` outcome with a reason (DESIGN.md "Rules").
 * `CalculationFailed` and `ScfNotConverged` are for callers that want an exception instead
 * (`DftOutcome.unwrap`).
 */

/** Base class of every error this package raises on purpose. */
export class DftError extends Error {
  override readonly name: string = 'DftError';
}

/**
 * The machine cannot run the engine: the binary or `mpirun` is not on PATH, `PSEUDO_DIR` is unset
 * or not a directory. Not retryable: fix the host, then resubmit. (ASE: `EnvironmentError`.)
 */
export class EngineSetupError extends DftError {
  override readonly name = 'EngineSetupError';
  constructor(
    message: string,
    readonly details: { readonly engine: string | null; readonly argv?: readonly string[] },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The input cannot be run as given: an element without a pseudopotential, an unknown element,
 * overlapping atoms, an invalid profile field, or pw.x rejecting the input file. Not retryable.
 * (ASE: `InputError`.) `field` names the profile field or 'structure'; `element` the element.
 */
export class EngineInputError extends DftError {
  override readonly name = 'EngineInputError';
  readonly engine: string;
  readonly field: string | null;
  readonly element: string | null;
  /** Pseudopotential folder that was searched, for missing-pseudopotential errors. */
  readonly pseudoDir: string | null;
  /** Working directory of the attempt that pw.x rejected, when the engine itself refused it. */
  readonly directory: string | null;

  constructor(
    message: string,
    details: {
      readonly engine: string;
      readonly field?: string;
      readonly element?: string;
      readonly pseudoDir?: string;
      readonly directory?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.engine = details.engine;
    this.field = details.field ?? null;
    this.element = details.element ?? null;
    this.pseudoDir = details.pseudoDir ?? null;
    this.directory = details.directory ?? null;
  }
}

/**
 * The calculation's directory cannot be prepared or written: a regular file where a folder must
 * be, no permission, a full or read-only disk (EACCES, ENOSPC, EROFS, ENOTDIR, …). Not a
 * scientific failure and not worth half an hour of retries: the campaign activity stores it as a
 * failed outcome whose reason names the path and the error. `code` is Node's error code.
 */
export class WorkDirectoryError extends DftError {
  override readonly name = 'WorkDirectoryError';
  constructor(
    message: string,
    readonly details: { readonly directory: string; readonly path: string | null; readonly code: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A run ended without a usable result (crash, kill, exhausted handlers). Carries what ASE puts in
 * its message: the engine, the argv, the directory and the exit code, with `cause` set.
 */
export class CalculationFailed extends DftError {
  override readonly name: string = 'CalculationFailed';
  readonly engine: string;
  readonly argv: readonly string[];
  readonly directory: string;
  readonly exitCode: number | null;

  constructor(
    message: string,
    details: {
      readonly engine: string;
      readonly argv: readonly string[];
      readonly directory: string;
      readonly exitCode: number | null;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.engine = details.engine;
    this.argv = details.argv;
    this.directory = details.directory;
    this.exitCode = details.exitCode;
  }
}

/** The SCF cycle did not reach its threshold within `electron_maxstep` (ASE: `SCFError`). */
export class ScfNotConverged extends CalculationFailed {
  override readonly name = 'ScfNotConverged';
}

/**
 * Engine output could not be read: the file is missing, or it lacks even one SCF energy.
 * `file` is the path read; `line` the 1-based line, when one is to blame.
 */
export class OutputParseError extends DftError {
  override readonly name = 'OutputParseError';
  constructor(
    message: string,
    readonly details: { readonly engine: string; readonly file: string | null; readonly line?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
