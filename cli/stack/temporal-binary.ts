/**
 * Finds the Temporal CLI (which contains the dev server), in the order the README documents:
 * `TEMPORAL_CLI`, then `temporal` on PATH, then the copy `scripts/setup.sh` builds from the Go
 * module proxy into the cache. `@temporalio/testing` can download one on a machine with internet;
 * that is the caller's last resort, not ours.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cacheDir } from './data-dir.js';

export const TEMPORAL_CLI_VERSION = '1.5.1';

export interface TemporalBinary {
  readonly path: string;
  readonly source: 'TEMPORAL_CLI' | 'PATH' | 'cache';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findTemporalBinary(): TemporalBinary | undefined {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv))
      throw new Error(
        `TEMPORAL_CLI=${fromEnv} is not an executable file; unset it or point it at the temporal binary`,
      );
    return { path: fromEnv, source: 'TEMPORAL_CLI' };
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'temporal');
    if (dir && isExecutable(candidate)) return { path: candidate, source: 'PATH' };
  }
  const cached = join(cacheDir(), 'bin', 'temporal');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

export function requireTemporalBinary(): TemporalBinary {
  const found = findTemporalBinary();
  if (!found) {
    throw new Error(
      `Temporal CLI not found (checked TEMPORAL_CLI, PATH and ${join(cacheDir(), 'bin')}). ` +
        `Run: bash scripts/setup.sh   (or: GOBIN=~/.cache/matdisc/bin go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION})`,
    );
  }
  return found;
}
