/**
 * The `lab` section of a campaign configuration: its zod schema (defaults, messages) and the type
 * it produces, the one every layer reads. Durations are Temporal duration strings ('90 seconds',
 * '3 days', '500 ms'). What each step does with it is `workflows/lab-experiment.ts` and
 * `lab/README.md`.
 *
 * ```yaml
 * lab:
 *   plugin: http-robot
 *   devices: [furnace-1, furnace-2]
 *   select: { maxEAboveHullEvPerAtom: 0.05, maxPerRound: 2 }
 *   request: { kind: synthesis, temperatureC: 900, dwellH: 12 }
 *   approval: { required: true, timeout: 7 days }
 * ```
 */
import { msToNumber } from '@temporalio/common';
import { z } from 'zod';
import type { DeepReadonly } from './deep-readonly.js';

/** A Temporal duration string: '90 seconds', '3 days', '500 ms'. */
export type LabDuration = string;

const duration = (what: string) =>
  z.string().refine(
    (s) => {
      try {
        return msToNumber(s as Parameters<typeof msToNumber>[0]) > 0;
      } catch {
        return false;
      }
    },
    {
      error: (i) =>
        `expected ${what} as a duration like '90 seconds' or '3 days', got ${JSON.stringify(i.input)}`,
    },
  );

export const LabConfigSchema = z
  .strictObject({
    /** The robot plugin's name, as it declares itself (`name` in its module), e.g. 'http-robot'. */
    plugin: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: "expected the plugin's name, e.g. 'http-robot'" })
      .describe('robot plugin name (the `name` its module exports)'),
    /** Devices an experiment may run on; it takes the first free one (one job per device at a time). */
    devices: z
      .array(z.string().min(1))
      .min(1, { error: 'name at least one device, e.g. [furnace-1]' })
      .describe('devices an experiment may run on; it takes the first free one'),
    /** Which candidates are sent, after each round's DFT. */
    select: z
      .strictObject({
        /**
         * A candidate qualifies when its DFT calculation converged and its energy above the hull is at
         * most this (eV/atom): the DFT value where the campaign stored one, else the MLIP prediction.
         */
        maxEAboveHullEvPerAtom: z.number().min(0).default(0.05),
        /** Experiments started per round at most (lowest e_above_hull first). */
        maxPerRound: z.int().min(1).default(2),
      })
      .default({ maxEAboveHullEvPerAtom: 0.05, maxPerRound: 2 }),
    /** Plugin-specific request (what to make or measure), checked by the plugin's request schema. */
    request: z.record(z.string(), z.unknown()).default({}).describe('plugin-specific request'),
    approval: z
      .strictObject({
        /** An operator approves (`matdisc lab approve`) before a sample is committed to a robot. */
        required: z.boolean().default(true),
        /** Without a decision by then the experiment ends `timed_out`. */
        timeout: duration('the approval timeout').default('7 days'),
      })
      .default({ required: true, timeout: '7 days' }),
    timeouts: z
      .strictObject({
        /** Longest wait for a free device; then `timed_out`. */
        deviceWait: duration('the longest wait for a device').default('7 days'),
        /** Longest an experiment may run on the robot, retries included; then `timed_out`. */
        experiment: duration('the longest experiment').default('3 days'),
        /** The robot (or the lab worker polling it) must report at least this often, else the wait is retried. */
        progress: duration('the longest silence of a robot').default('1 hour'),
      })
      .default({ deviceWait: '7 days', experiment: '3 days', progress: '1 hour' }),
    retry: z
      .strictObject({
        /** Robot jobs tried at most (a failed job the plugin calls retryable is submitted again). */
        maxAttempts: z.int().min(1).default(3),
        /** First wait before a new job, then doubled. */
        initialInterval: duration('the first retry interval').default('1 minute'),
      })
      .default({ maxAttempts: 3, initialInterval: '1 minute' }),
    /** A device lease lasts this long unless renewed; a crashed holder frees its device after it. */
    leaseTtl: duration('the device lease').default('30 minutes'),
  })
  .describe('lab experiments for qualifying candidates (lab/README.md)');

/** The `lab` section as every layer reads it. */
export type LabConfig = DeepReadonly<z.output<typeof LabConfigSchema>>;

/** Parses a `lab` section; throws zod's error (the campaign config wraps it with field paths). */
export function parseLabConfig(value: unknown): LabConfig {
  return LabConfigSchema.parse(value);
}
