/**
 * Progress of a long command on stderr: one line with the stage, counts, elapsed time and, when
 * the fraction done is known, an ETA.
 *
 * Modes (`progressMode`):
 * - `tty`: stderr is a terminal; one line redrawn in place (`\r`, erase to the end of the line),
 *   at most every 100 ms, plus once a second so the elapsed time moves; `end()` erases it.
 * - `plain`: forced (`--progress` or `MATDISC_PROGRESS=1`) where stderr is not a terminal (a pipe,
 *   a test): whole lines, no carriage returns; a line when the stage or the counts change, and at
 *   most once a second for other details.
 * - `off`: with `--json`, with `MATDISC_PROGRESS=0`, or not a terminal and not forced.
 *
 * ```ts
 * const progress = new ProgressLine(progressMode({ json: opts.json, forced: opts.progress }));
 * progress.stage('relax', { total: 40, unit: 'structures' });
 * progress.update({ done: 12, detail: 'step 80' });
 * // relax: 12/40 structures (30 %), step 80; 4.1 s elapsed, ETA 9.6 s
 * progress.end();
 * ```
 */
import type { Command } from 'commander';

export type ProgressMode = 'off' | 'tty' | 'plain';

/** The environment variable that forces (`1`) or silences (`0`) progress. */
export const PROGRESS_ENV = 'MATDISC_PROGRESS';

export interface ProgressModeInput {
  /** `--json`: never any progress. */
  readonly json?: boolean | undefined;
  /** `--progress`. */
  readonly forced?: boolean | undefined;
  /** Whether stderr is a terminal (default: `process.stderr.isTTY`). */
  readonly isTTY?: boolean | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

export function progressMode(input: ProgressModeInput = {}): ProgressMode {
  if (input.json) return 'off';
  const env = (input.env ?? process.env)[PROGRESS_ENV];
  const tty = input.isTTY ?? Boolean(process.stderr.isTTY);
  if (env === '0' && !input.forced) return 'off';
  if (tty) return 'tty';
  return input.forced || env === '1' ? 'plain' : 'off';
}

/** Adds `--progress` to a command. */
export function withProgressOption(command: Command): Command {
  return command.option(
    '--progress',
    `progress on stderr even when it is not a terminal, as plain lines (also ${PROGRESS_ENV}=1; never with --json)`,
  );
}

/** Where the line goes: stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly columns?: number | undefined;
}

export interface ProgressLineOptions {
  readonly stream?: ProgressStream;
  /** Clock, ms (default `performance.now()`). */
  readonly now?: () => number;
  /** Least time between two redraws of the terminal line, ms (default 100). */
  readonly ttyIntervalMs?: number;
  /** Least time between two plain lines that change only the detail, ms (default 1000). */
  readonly plainIntervalMs?: number;
  /** Redraw the terminal line this often so the elapsed time moves, ms (default 1000; 0: never). */
  readonly tickMs?: number;
}

export interface StageOptions {
  /** Count of units when done (structures, rounds); unknown when absent. */
  readonly total?: number | undefined;
  readonly unit?: string | undefined;
  /** Keep the previous stage's clock (a retry of the same work, a DFT attempt). */
  readonly continueClock?: boolean | undefined;
}

export interface ProgressUpdate {
  /** Units done. */
  readonly done?: number | undefined;
  /** Changes the stage's total. */
  readonly total?: number | undefined;
  /** Fraction of the stage's work done, 0..1, when finer than done/total (sampler steps). */
  readonly fraction?: number | undefined;
  /** Anything else worth showing: "step 80, max force 0.12 eV/Å". */
  readonly detail?: string | undefined;
}

/** "0.4 s", "12 s", "3 min 04 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * Seconds left, from the time a stage took so far and the fraction it has done; null when nothing
 * is done yet or all is.
 */
export function estimateRemainingS(elapsedS: number, fraction: number): number | null {
  if (!(fraction > 0) || fraction >= 1 || !Number.isFinite(elapsedS)) return null;
  return (elapsedS * (1 - fraction)) / fraction;
}

export class ProgressLine {
  readonly mode: ProgressMode;
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #ttyIntervalMs: number;
  readonly #plainIntervalMs: number;
  #stage = '';
  #stageStarted = 0;
  #total: number | undefined;
  #unit = '';
  #done: number | undefined;
  #fraction: number | undefined;
  #detail: string | undefined;
  /** What the last plain line said about the stage and counts, and when it was written. */
  #lastKey: string | null = null;
  #lastWrite = -Infinity;
  /** Whether a terminal line is on screen. */
  #drawn = false;
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor(mode: ProgressMode, options: ProgressLineOptions = {}) {
    this.mode = mode;
    this.#stream = options.stream ?? process.stderr;
    this.#now = options.now ?? (() => performance.now());
    this.#ttyIntervalMs = options.ttyIntervalMs ?? 100;
    this.#plainIntervalMs = options.plainIntervalMs ?? 1000;
    const tickMs = options.tickMs ?? 1000;
    if (mode === 'tty' && tickMs > 0) {
      this.#ticker = setInterval(() => this.#draw(true), tickMs);
      this.#ticker.unref();
    }
  }

  get enabled(): boolean {
    return this.mode !== 'off';
  }

  /** Starts a stage: its clock (unless `continueClock`), counts and ETA begin again. */
  stage(name: string, options: StageOptions = {}): void {
    if (!(options.continueClock && this.#stage)) this.#stageStarted = this.#now();
    this.#stage = name;
    this.#total = options.total;
    this.#unit = options.unit ?? '';
    this.#done = options.total !== undefined ? 0 : undefined;
    this.#fraction = undefined;
    this.#detail = undefined;
    this.#emit(true);
  }

  update(u: ProgressUpdate): void {
    if (u.total !== undefined) this.#total = u.total;
    if (u.done !== undefined) this.#done = u.done;
    if (u.fraction !== undefined) this.#fraction = u.fraction;
    if (u.detail !== undefined) this.#detail = u.detail;
    this.#emit(false);
  }

  /** A message of its own on stderr, without garbling the terminal line. */
  log(message: string): void {
    if (this.mode === 'tty' && this.#drawn) {
      this.#stream.write(`\r\x1b[K${message}\n`);
      this.#drawn = false;
      this.#draw(true);
    } else this.#stream.write(`${message}\n`);
  }

  /** Stops the clock; erases the terminal line (plain lines stay). */
  end(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
    if (this.mode === 'tty' && this.#drawn) this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }

  /** The line as it reads now. */
  text(): string {
    const elapsedS = (this.#now() - this.#stageStarted) / 1000;
    const fraction =
      this.#fraction ??
      (this.#done !== undefined && this.#total !== undefined && this.#total > 0
        ? this.#done / this.#total
        : undefined);
    let line = this.#stage;
    const counts =
      this.#done !== undefined
        ? `${this.#done}${this.#total !== undefined ? `/${this.#total}` : ''}${this.#unit ? ` ${this.#unit}` : ''}`
        : '';
    const pct = fraction !== undefined ? `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)} %` : '';
    if (counts) line += `: ${counts}${pct ? ` (${pct})` : ''}`;
    else if (pct) line += `: ${pct}`;
    if (this.#detail) line += `${counts || pct ? ',' : ':'} ${this.#detail}`;
    line += `; ${formatDuration(elapsedS)} elapsed`;
    const eta = fraction !== undefined ? estimateRemainingS(elapsedS, fraction) : null;
    if (eta !== null) line += `, ETA ${formatDuration(eta)}`;
    return line;
  }

  #emit(important: boolean): void {
    if (this.mode === 'tty') this.#draw(important);
    else if (this.mode === 'plain') {
      const key = `${this.#stage}\u0000${this.#done}\u0000${this.#total}`;
      const now = this.#now();
      if (important || key !== this.#lastKey || now - this.#lastWrite >= this.#plainIntervalMs) {
        this.#lastKey = key;
        this.#lastWrite = now;
        this.#stream.write(`${this.text()}\n`);
      }
    }
  }

  #draw(force: boolean): void {
    if (this.mode !== 'tty' || !this.#stage) return;
    const now = this.#now();
    if (!force && now - this.#lastWrite < this.#ttyIntervalMs) return;
    this.#lastWrite = now;
    // A terminal of unknown width (0 columns under some ptys) gets 80.
    const width = Math.max(20, (this.#stream.columns || 80) - 1);
    let line = this.text();
    if (line.length > width) line = `${line.slice(0, width - 1)}…`;
    this.#stream.write(`\r${line}\x1b[K`);
    this.#drawn = true;
  }
}
