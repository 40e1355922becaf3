/**
 * `FileTail`: follows a file that another process appends to (a SLURM job's stdout, written on the
 * compute node), by polling. Used by `SlurmLauncher.attach`.
 */
import { open } from 'node:fs/promises';

/**
 * Reads what was appended to a file since the last call and passes it on as UTF-8 text (a
 * character split between two reads is held back until its last byte arrives). A file that
 * shrank (a requeued job starts its output anew) is read again from the start.
 */
export class FileTail {
  #offset = 0;
  #decoder = new TextDecoder('utf-8');
  readonly #onOutput: (chunk: string) => void;

  constructor(onOutput: (chunk: string) => void) {
    this.#onOutput = onOutput;
  }

  async read(path: string): Promise<void> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch {
      return; // not created yet (the job is pending)
    }
    try {
      const { size } = await handle.stat();
      if (size < this.#offset) {
        this.#offset = 0;
        this.#decoder = new TextDecoder('utf-8');
      }
      while (this.#offset < size) {
        const buffer = Buffer.alloc(Math.min(size - this.#offset, 1 << 20));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.#offset);
        if (bytesRead === 0) break;
        this.#offset += bytesRead;
        const text = this.#decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
        if (text) this.#onOutput(text);
      }
    } finally {
      await handle.close();
    }
  }

  /** Flushes a trailing incomplete character (as U+FFFD). */
  end(): void {
    const text = this.#decoder.decode();
    if (text) this.#onOutput(text);
  }
}
