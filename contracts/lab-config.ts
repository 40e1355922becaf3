/**
 * The `lab` section of a campaign configuration as workflows see it: plain, readonly JSON, types
 * only. The zod schema with defaults and messages is `lab/lab-config.ts`; what each
 * step does with it is `workflows/lab-experiment.ts` and `activities/lab/README.md`.
 */

/** Durations are Temporal duration strings: '90 seconds', '3 days', '500 ms'. */
export type LabDuration = string;

export interface LabConfig {
  /** The robot plugin's name, as it declares itself (`name` in its module), e.g. 'http-robot'. */
  readonly plugin: string;
  /** Devices an experiment may run on; it takes the first free one (one job per device at a time). */
  readonly devices: readonly string[];
  /** Which candidates are sent, after each round's DFT. */
  readonly select: {
    /**
     * A candidate qualifies when its DFT calculation converged and its energy above the hull is at
     * most this (eV/atom): the DFT value where the campaign stored one, else the MLIP prediction.
     */
    readonly maxEAboveHullEvPerAtom: number;
    /** Experiments started per round at most (lowest e_above_hull first). */
    readonly maxPerRound: number;
  };
  /** Plugin-specific request (what to make or measure), checked by the plugin's request schema. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly approval: {
    /** An operator approves (`matdisc lab approve`) before a sample is committed to a robot. */
    readonly required: boolean;
    /** Without a decision by then the experiment ends `timed_out`. */
    readonly timeout: LabDuration;
  };
  readonly timeouts: {
    /** Longest wait for a free device; then `timed_out`. */
    readonly deviceWait: LabDuration;
    /** Longest an experiment may run on the robot, retries included; then `timed_out`. */
    readonly experiment: LabDuration;
    /** The robot (or the lab worker polling it) must report at least this often, else the wait is retried. */
    readonly progress: LabDuration;
  };
  readonly retry: {
    /** Robot jobs tried at most (a failed job the plugin calls retryable is submitted again). */
    readonly maxAttempts: number;
    /** First wait before a new job, then doubled. */
    readonly initialInterval: LabDuration;
  };
  /** A device lease lasts this long unless renewed; a crashed holder frees its device after it. */
  readonly leaseTtl: LabDuration;
}

/** Activity type of a plugin's activity: `lab.<plugin>.runJob`, `lab.<plugin>.cancelJob`. */
export const labActivityType = (plugin: string, fn: 'runJob' | 'cancelJob'): string => `lab.${plugin}.${fn}`;
