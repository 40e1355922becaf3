/**
 * The lab robot plugin interface (DESIGN.md "Lab robot plugin"). A plugin is a TypeScript module
 * whose default export is a {@link LabPlugin}: its name, a zod schema for its settings (URL,
 * credentials of the robot), an optional zod schema for the per-experiment request (the campaign
 * config's `lab.request`), and `create(settings)`, which returns the {@link LabRobot} whose
 * functions the lab worker runs as the plugin's activities:
 *
 * | robot function | runs in activity | does |
 * |---|---|---|
 * | `submit(job)` | `lab.<name>.runJob` | sends one synthesis/characterisation job for a stored structure; returns the robot's job id |
 * | `status(jobId)` | `lab.<name>.runJob`, the lab worker's poller | reports progress, or the result: measured data and files |
 * | `cancel(jobId)` | `lab.<name>.cancelJob` | aborts a job (experiment cancelled or timed out) |
 * | `parseCallback(body)` | the lab worker's callback receiver | turns the robot's HTTP callback into a job status |
 *
 * `runJob` returns without a result (async completion): the worker slot is free while the robot
 * works for hours or days; the robot's callbacks and the poller heartbeat, complete or fail the
 * activity by its task token (`lab-completer.ts`).
 *
 * ```ts
 * export default defineLabPlugin({
 *   name: 'http-robot',
 *   settingsSchema: z.object({ baseUrl: z.url() }),
 *   create: (settings) => new HttpRobot(settings),
 * });
 * ```
 */
import { z } from 'zod';

/** One file a robot produced (diffractogram, micrograph, log), stored by reference. */
export const LabFileSchema = z.object({
  name: z.string().min(1),
  url: z.string().min(1),
  mediaType: z.string().optional(),
  bytes: z.int().min(0).optional(),
  sha256: z.string().optional(),
});
export type LabFile = z.infer<typeof LabFileSchema>;

/** The robot's report on one job, from `status()` or a callback; validated at the boundary. */
export const LabJobStatusSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.enum(['queued', 'running']),
    /** Whatever the robot says about its progress: fraction done, current step, temperature. */
    progress: z
      .object({
        fraction: z.number().min(0).max(1).optional(),
        step: z.string().optional(),
        message: z.string().optional(),
      })
      .loose()
      .optional(),
  }),
  z.object({
    state: z.literal('succeeded'),
    /** Measured data (phases, lattice parameters, yield, XRD peaks), stored in `lab_experiments.result`. */
    measured: z.record(z.string(), z.unknown()),
    files: z.array(LabFileSchema).default([]),
  }),
  z.object({
    state: z.enum(['failed', 'cancelled']),
    reason: z.string().min(1),
    /** Whether a new job for the same sample may succeed (a jammed gripper: yes; an unknown precursor: no). */
    retryable: z.boolean().default(true),
  }),
]);
export type LabJobStatus = z.infer<typeof LabJobStatusSchema>;

/** A robot's callback, parsed: which job it is about, and its status. */
export interface LabCallback {
  readonly jobId: string;
  readonly status: LabJobStatus;
}

/** The structure as a plugin receives it (Å, fractional coordinates; lattice rows are vectors). */
export interface LabStructure {
  readonly id: string;
  readonly reducedFormula: string;
  readonly species: readonly string[];
  readonly latticeA: readonly (readonly number[])[];
  readonly fracCoords: readonly (readonly number[])[];
}

/** One job submitted to a robot. */
export interface LabJobRequest {
  /** Idempotency key of this job (`<experiment key>:job<k>`): a robot given the same key twice returns the same job. */
  readonly key: string;
  readonly experimentId: string;
  /** Idempotency key of the experiment; stable across its jobs. */
  readonly experimentKey: string;
  /** The device the experiment holds. */
  readonly device: string;
  readonly structure: LabStructure;
  /** The campaign's `lab.request`, parsed by the plugin's `requestSchema`. */
  readonly request: Readonly<Record<string, unknown>>;
  /** Where the robot may POST its progress and result; null where no callback receiver runs (poll only). */
  readonly callbackUrl: string | null;
}

/** A connected robot: the functions the lab worker calls. Every call gets an AbortSignal to honour. */
export interface LabRobot {
  /** Sends a job; idempotent by `job.key`. Throw {@link LabRequestRejected} for a request the robot refuses. */
  submit(job: LabJobRequest, signal: AbortSignal): Promise<{ readonly jobId: string }>;
  /** The job's state now. Throws when the robot cannot be reached. */
  status(jobId: string, signal: AbortSignal): Promise<LabJobStatus>;
  /** Aborts a job; a job already finished is left as it is. */
  cancel(jobId: string, signal: AbortSignal): Promise<void>;
  /** Parses the robot's callback body; without it the worker expects `{ jobId, status }` as JSON. */
  parseCallback?(body: unknown): LabCallback;
  close?(): Promise<void>;
}

export interface LabPlugin<Settings = unknown> {
  /** Lower-case, digits and '-'; names the plugin in campaign configs and activity types. */
  readonly name: string;
  readonly description?: string;
  /** The worker-side settings (`--plugin-settings FILE`, under the plugin's name). */
  readonly settingsSchema: z.ZodType<Settings>;
  /** The per-experiment request (`lab.request` of the campaign config); default: any object. */
  readonly requestSchema?: z.ZodType<Record<string, unknown>>;
  create(settings: Settings): LabRobot | Promise<LabRobot>;
}

/** Identity helper that types a plugin module's default export. */
export function defineLabPlugin<Settings>(plugin: LabPlugin<Settings>): LabPlugin<Settings> {
  return plugin;
}

/** Raised when a robot refuses a request outright (HTTP 4xx): not retried; the experiment fails with it. */
export class LabRequestRejected extends Error {
  override readonly name = 'LabRequestRejected';
}

/** Raised when the robot cannot be reached or answers 5xx: retried. */
export class LabRobotUnavailable extends Error {
  override readonly name = 'LabRobotUnavailable';
}

/** Raised for a plugin module or settings that cannot be used (worker start-up). */
export class LabPluginError extends Error {
  override readonly name = 'LabPluginError';
}

export { labActivityType } from '../contracts/lab-activity-type.js';
