/**
 * The zod schema of a campaign's optional `lab` section ({@link LabConfig} says what each field
 * means). Durations are Temporal duration strings.
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
import type { LabConfig } from '../contracts/lab-config.js';

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
    plugin: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: "expected the plugin's name, e.g. 'http-robot'" })
      .describe('robot plugin name (the `name` its module exports)'),
    devices: z
      .array(z.string().min(1))
      .min(1, { error: 'name at least one device, e.g. [furnace-1]' })
      .describe('devices an experiment may run on; it takes the first free one'),
    select: z
      .strictObject({
        maxEAboveHullEvPerAtom: z.number().min(0).default(0.05),
        maxPerRound: z.int().min(1).default(2),
      })
      .default({ maxEAboveHullEvPerAtom: 0.05, maxPerRound: 2 }),
    request: z.record(z.string(), z.unknown()).default({}).describe('plugin-specific request'),
    approval: z
      .strictObject({
        required: z.boolean().default(true),
        timeout: duration('the approval timeout').default('7 days'),
      })
      .default({ required: true, timeout: '7 days' }),
    timeouts: z
      .strictObject({
        deviceWait: duration('the longest wait for a device').default('7 days'),
        experiment: duration('the longest experiment').default('3 days'),
        progress: duration('the longest silence of a robot').default('1 hour'),
      })
      .default({ deviceWait: '7 days', experiment: '3 days', progress: '1 hour' }),
    retry: z
      .strictObject({
        maxAttempts: z.int().min(1).default(3),
        initialInterval: duration('the first retry interval').default('1 minute'),
      })
      .default({ maxAttempts: 3, initialInterval: '1 minute' }),
    leaseTtl: duration('the device lease').default('30 minutes'),
  })
  .describe('lab experiments for qualifying candidates (activities/lab/README.md)');

/** Parses a `lab` section; throws zod's error (the campaign config wraps it with field paths). */
export function parseLabConfig(value: unknown): LabConfig {
  return LabConfigSchema.parse(value);
}
