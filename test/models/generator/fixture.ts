/** Paths of the generator fixture (written by the training package) and helpers shared by the tests. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures');
/** Untrained tiny denoiser (100-step schedule, 100 type channels). */
export const TINY = join(FIXTURES, 'denoiser-tiny.onnx');
export const TINY_SCHEDULE = join(FIXTURES, 'denoiser-tiny.schedule.json');
export const TINY_REFERENCE = join(FIXTURES, 'denoiser-tiny.reference.json');
/** Respaced step count the sampler tests use (the default stays the full schedule). */
export const FAST_STEPS = 12;
