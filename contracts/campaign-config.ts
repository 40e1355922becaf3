/**
 * The campaign configuration as the workflow sees it: plain, readonly JSON (STYLE.md D1), types
 * only so workflow code may import it. The zod schema that produces it, with the error messages
 * and the checks against models and pseudopotentials, is `campaign/campaign-config.ts`; the JSON
 * Schema for editors is `contracts/campaign-config.schema.json`.
 */

import type { LabConfig } from './lab-config.js';

/** How the next DFT batch is chosen among predicted-stable candidates. */
export const AcquisitionStrategy = {
  /** Lowest predicted energy above the hull first. */
  greedy: 'greedy',
  /** Largest committee force deviation first (most informative for the MLIP). */
  uncertainty: 'uncertainty',
  /** Lowest lower confidence bound first: e_above_hull − kappa·(energy std per atom). */
  ucb: 'ucb',
} as const;
export type AcquisitionStrategy = (typeof AcquisitionStrategy)[keyof typeof AcquisitionStrategy];

/**
 * Upper bounds of a campaign configuration, shared by the schema (`campaign/campaign-config.ts`)
 * and the workflow's `setBudget` validator: a typo like `rounds: 1e9` or a budget of 1e300 is
 * refused with the limit instead of looping or overflowing.
 */
export const CampaignLimits = {
  rounds: 1000,
  candidatesPerRound: 10_000,
  /** DFT calculations, per round and in total. */
  dftBudget: 100_000,
  dftMaxConcurrent: 1000,
  /** Size of a configuration file, bytes (checked before it is parsed). */
  configBytes: 1024 * 1024,
  /** Length of a campaign name or id, characters. */
  nameLength: 200,
} as const;

/** Default of `stop.noDftRounds`. */
export const DEFAULT_NO_DFT_ROUNDS = 3;

export const RetrainingPolicy = { everyRound: 'every-round', never: 'never' } as const;
export type RetrainingPolicy = (typeof RetrainingPolicy)[keyof typeof RetrainingPolicy];

export interface CampaignConfig {
  /** Human-readable name, stored in `campaigns.name`. */
  readonly name: string;
  /** What to generate: chemical systems ('Li-Si-O') and/or compositions ('Li2SiO3', CSP). */
  readonly chemistry: {
    readonly systems: readonly string[];
    readonly compositions: readonly string[];
    /** Atoms per generated cell; default drawn from the generator's training counts. */
    readonly natoms?: number | undefined;
  };
  /** Rounds to run at most. */
  readonly rounds: number;
  /** Structures requested from the generator per round (split over systems and compositions). */
  readonly candidatesPerRound: number;
  readonly generator: {
    /** Model name (`models/generator/NAME.onnx`) or path to an .onnx file. */
    readonly model: string;
    /** Sampler steps (respaced schedule); default the model's full schedule. */
    readonly steps?: number | undefined;
    /** Base seed; round k samples with seed + k. */
    readonly seed: number;
  };
  readonly mlip: {
    /** Model name (`models/mlip/NAME.onnx`) or path to an .onnx file. */
    readonly model: string;
  };
  readonly relax: {
    /** Force criterion, eV/Å. */
    readonly fmax: number;
    /** Most FIRE steps per structure. */
    readonly steps: number;
  };
  readonly stability: {
    /** Candidates with predicted e_above_hull at or below this (eV/atom) count as predicted stable. */
    readonly maxEAboveHullEvPerAtom: number;
    /**
     * A converged DFT candidate with e_above_hull (against the DFT elemental references and every
     * DFT label at the same level of theory) at or below this (eV/atom) counts as DFT confirmed
     * stable. Default 0.025: within about kT at room temperature of the hull, which also absorbs
     * the k-point and smearing noise of cheap profiles; 0 means strictly on the hull.
     */
    readonly dftConfirmedMaxEAboveHullEvPerAtom: number;
  };
  readonly trust: {
    /** Below this max force deviation (eV/Å) a prediction is trusted. */
    readonly loEvPerA: number;
    /** At or above this the prediction is untrusted. */
    readonly hiEvPerA: number;
    /** Leave untrusted predictions out of DFT selection. */
    readonly excludeUntrusted: boolean;
  };
  readonly acquisition: {
    readonly strategy: AcquisitionStrategy;
    /** Weight of the committee spread in 'ucb'. */
    readonly kappa: number;
    /** Candidates in one DFT batch are at least this far apart in fingerprint space (pgvector `<->`). */
    readonly minFingerprintDistance: number;
  };
  readonly dft: {
    readonly engine: 'qe' | 'vasp';
    readonly profile: string;
    readonly calculation: 'scf' | 'relax' | 'vc-relax';
    readonly scheduler: 'local' | 'slurm';
    /** DFT calculations per round at most. */
    readonly budgetPerRound: number;
    /** DFT calculations over the whole campaign at most. */
    readonly budgetTotal: number;
    /** DFT child workflows running at once. */
    readonly maxConcurrent: number;
  };
  readonly retraining: {
    readonly policy: RetrainingPolicy;
    /** Fine-tuning epochs. */
    readonly epochs: number;
  };
  readonly stop: {
    /** Stop after this many consecutive rounds without a new DFT-confirmed stable material (0: never). */
    readonly noNewStableRounds: number;
    /**
     * Stop after this many consecutive rounds in which no candidate could be selected for DFT
     * (0: never). Default {@link DEFAULT_NO_DFT_ROUNDS}; absent in configurations stored before it.
     */
    readonly noDftRounds?: number | undefined;
  };
  /** Rounds per workflow run before `continueAsNew`. */
  readonly roundsPerRun: number;
  /** Lab experiments for qualifying candidates (optional; `lab-config.ts`). */
  readonly lab?: LabConfig | undefined;
}
