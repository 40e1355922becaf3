/**
 * Parsers of command-line option values (commander's `argParser`), shared by every command so
 * one option means the same everywhere: a bad value exits with the option's name and what it takes.
 */
import { InvalidArgumentError, type Command } from 'commander';

/** A whole number ≥ 1 (counts, sizes, steps, threads). */
export function positiveInteger(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return x;
}

/** A whole number ≥ 0 (counts where none is allowed). */
export function nonNegativeInteger(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return x;
}

/** Any whole number JavaScript holds exactly (seeds). */
export function safeInteger(value: string): number {
  const x = Number(value);
  if (!Number.isSafeInteger(x)) throw new InvalidArgumentError('expected a whole number');
  return x;
}

/** A finite number > 0 (thresholds). */
export function positiveNumber(value: string): number {
  const x = Number(value);
  if (!(x > 0) || !Number.isFinite(x)) throw new InvalidArgumentError('expected a number > 0');
  return x;
}

/** Any finite number. */
export function finiteNumber(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x)) throw new InvalidArgumentError('expected a number');
  return x;
}

/** `--device`: which ONNX Runtime execution provider to ask for. */
export function parseDevice(value: string): 'auto' | 'cpu' | 'cuda' {
  if (value === 'auto' || value === 'cpu' || value === 'cuda') return value;
  throw new InvalidArgumentError('expected auto, cpu or cuda');
}

/** The ONNX Runtime options of every command that runs a network over batches of structures. */
export function withOnnxRuntimeOptions(command: Command): Command {
  return command
    .option('--batch-size <B>', 'structures per network call', positiveInteger, 32)
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: one per core)', positiveInteger)
    .option('--device <auto|cpu|cuda>', 'ONNX Runtime execution provider', parseDevice, 'auto');
}
