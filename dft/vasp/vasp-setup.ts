/**
 * Is this host set up to run VASP? The same rules `VaspTemplate` follows when it runs: the
 * executable is `VASP_COMMAND`, else `vasp_std` on PATH; the PAW library is `VASP_PP_PATH`. Read by
 * the campaign configuration check (a `dft.engine: vasp` campaign without VASP is refused before it
 * starts, instead of "completing" with no DFT) and by `matdisc doctor`.
 *
 * ```ts
 * checkVaspSetup({ PATH: '/usr/bin' });
 * // { executable: null, ppPath: null, problems: ['no VASP executable: VASP_COMMAND is unset and vasp_std is not on PATH', …] }
 * ```
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The executable looked for on PATH when `VASP_COMMAND` is unset (as the parameter sets say). */
export const DEFAULT_VASP_EXECUTABLE = 'vasp_std';

/** What to do about a missing VASP, for messages. */
export const VASP_SETUP_FIX =
  'set VASP_COMMAND=/path/to/vasp_std (or put vasp_std on PATH) and VASP_PP_PATH=/path/to/potpaw_PBE on the hosts that run DFT (dft/vasp/README.md), or use dft.engine: qe';

export interface VaspSetup {
  /** Absolute path of the executable, or null. */
  readonly executable: string | null;
  /** The PAW library folder, or null. */
  readonly ppPath: string | null;
  /** Why VASP cannot run here; empty when it can. */
  readonly problems: readonly string[];
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `name` resolved like a shell would: a path as it is, a bare name through PATH. */
function which(name: string, env: NodeJS.ProcessEnv): string | null {
  if (name.includes('/')) {
    const path = isAbsolute(name) ? name : resolve(name);
    return isExecutableFile(path) ? path : null;
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, name);
    if (isExecutableFile(path)) return path;
  }
  return null;
}

export function checkVaspSetup(env: NodeJS.ProcessEnv = process.env): VaspSetup {
  const problems: string[] = [];
  const command = env.VASP_COMMAND?.trim() || undefined;
  let executable: string | null = null;
  if (command && /\s/.test(command))
    problems.push(
      `VASP_COMMAND=${JSON.stringify(command)} must name only the VASP executable (the launcher adds mpirun)`,
    );
  else {
    executable = which(command ?? DEFAULT_VASP_EXECUTABLE, env);
    if (!executable)
      problems.push(
        command
          ? `VASP_COMMAND=${command} is not an executable file`
          : `no VASP executable: VASP_COMMAND is unset and ${DEFAULT_VASP_EXECUTABLE} is not on PATH`,
      );
  }
  const pp = env.VASP_PP_PATH?.trim() || undefined;
  let ppPath: string | null = null;
  if (!pp) problems.push('VASP_PP_PATH is unset (the folder of PAW potentials, e.g. potpaw_PBE.54)');
  else if (!statSync(pp, { throwIfNoEntry: false })?.isDirectory())
    problems.push(`VASP_PP_PATH=${pp} is not a folder`);
  else ppPath = resolve(pp);
  return { executable, ppPath, problems };
}
