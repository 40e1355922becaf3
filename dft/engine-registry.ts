/**
 * Engines and launchers by name, for the command line and the worker: `qe` | `vasp` with their
 * named parameter sets (`test`, `production`), and `local` | `slurm` launchers.
 */
import type { EngineName, EngineTemplate } from './engine.js';
import { EngineInputError } from './errors.js';
import type { Launcher } from './launcher.js';
import { LocalLauncher } from './launchers/local.js';
import { SlurmLauncher } from './launchers/slurm.js';
import { QeProfile, type QeProfileName } from './qe/profiles.js';
import { QeTemplate } from './qe/qe-template.js';
import { VaspParams } from './vasp/vasp-params.js';
import { VaspTemplate } from './vasp/vasp-template.js';

export type Calculation = 'scf' | 'relax' | 'vc-relax';
export const SCHEDULERS = ['local', 'slurm'] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

export interface EngineChoice {
  readonly engine: EngineTemplate<unknown>;
  readonly params: unknown;
}

export function engineFor(
  name: string,
  profile: string,
  calculation: Calculation,
  options: { pseudoDir?: string | undefined } = {},
): EngineChoice {
  if (name === 'qe') {
    if (!(QeProfile.names as string[]).includes(profile)) {
      throw new EngineInputError(
        `--profile: unknown QE profile '${profile}'; choose ${QeProfile.names.join(' or ')}`,
        { engine: 'qe', field: 'profile' },
      );
    }
    return {
      engine: new QeTemplate(
        options.pseudoDir ? { pseudoDir: options.pseudoDir } : {},
      ) as EngineTemplate<unknown>,
      params: QeProfile.named(profile as QeProfileName, { calculation }),
    };
  }
  if (name === 'vasp') {
    return {
      engine: new VaspTemplate() as EngineTemplate<unknown>,
      params: VaspParams.named(profile as Parameters<typeof VaspParams.named>[0], { calculation }),
    };
  }
  throw new EngineInputError(`--engine: unknown engine '${name}'; choose qe or vasp`, {
    engine: name as EngineName,
    field: 'engine',
  });
}

export function launcherFor(name: string): Launcher {
  if (name === 'local') return new LocalLauncher();
  if (name === 'slurm') return new SlurmLauncher();
  throw new EngineInputError(`--scheduler: unknown scheduler '${name}'; choose ${SCHEDULERS.join(' or ')}`, {
    engine: 'qe',
    field: 'scheduler',
  });
}
