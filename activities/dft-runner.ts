/**
 * What activities need from the DFT layer: run one calculation to a stored outcome. A failed
 * calculation is an outcome with a reason, never an exception; only bad input (non-retryable)
 * and cancellation throw.
 */
import type { Structure } from '../crystal/structure.js';

export interface DftRunRequest {
  readonly structure: Structure;
  readonly profileName: string;
  readonly calculation: 'scf' | 'relax' | 'vc-relax';
  readonly workDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Record<string, unknown>) => void;
}

export interface DftRunOutcome {
  readonly status: 'converged' | 'failed';
  readonly reason?: string;
  readonly result?: {
    readonly energyEv: number;
    readonly energyPerAtomEv: number;
    /** N x 3, eV/Å */
    readonly forcesEvPerA: readonly (readonly number[])[];
    /** 3 x 3, eV/Å³, ASE sign (positive = tensile) */
    readonly stressEvPerA3: readonly (readonly number[])[];
    readonly scfConverged: boolean;
  };
  readonly attempts: readonly unknown[];
  /** The settings actually used, stored with the calculation. */
  readonly profile: unknown;
  /** Hash of the settings that change energies: outcomes compare only within one level. */
  readonly levelOfTheory: string;
  readonly wallS: number;
  readonly workDir: string;
}

export interface DftRunner {
  run(request: DftRunRequest): Promise<DftRunOutcome>;
}
