/**
 * Example lab plugin: drives the simulated robot of `simulator.ts` (or any robot with the same
 * HTTP API) — submit a job for a stored structure, read its status, cancel it, parse its
 * callbacks. Transport errors and 5xx answers are retryable (`LabRobotUnavailable`); a 4xx on
 * submission is a refusal (`LabRequestRejected`), which ends the experiment `failed`.
 *
 *   matdisc worker --queues lab --plugin lab/examples/http-robot/plugin.ts \
 *     --plugin-settings lab/examples/http-robot/settings.example.yaml --lab-callback-port 8788
 */
import { z } from 'zod';
import {
  LabJobStatusSchema,
  LabRequestRejected,
  LabRobotUnavailable,
  defineLabPlugin,
  type LabCallback,
  type LabJobRequest,
  type LabJobStatus,
  type LabRobot,
} from '../../lab-plugin.js';

export const HttpRobotSettingsSchema = z.strictObject({
  /** Where the robot's API is, e.g. http://127.0.0.1:8787. */
  baseUrl: z.url({ error: 'expected the robot API URL, e.g. http://127.0.0.1:8787' }),
  /** Sent as a bearer token when set. */
  apiKey: z.string().optional(),
  /** A request unanswered after this long counts as a transport error, ms. */
  requestTimeoutMs: z.int().min(100).default(10_000),
});
export type HttpRobotSettings = z.infer<typeof HttpRobotSettingsSchema>;

/** What the campaign's `lab.request` may hold for this robot. */
export const HttpRobotRequestSchema = z.strictObject({
  kind: z.enum(['synthesis', 'xrd'], { error: "expected 'synthesis' or 'xrd'" }).default('synthesis'),
  temperatureC: z.number().min(20).max(1600).optional(),
  dwellH: z.number().min(0).optional(),
  /** Failure injection understood by the simulator (tests, demos). */
  simulate: z
    .strictObject({
      failJobs: z.int().min(0).optional(),
      fatal: z.boolean().optional(),
      silent: z.boolean().optional(),
      submitErrors: z.int().min(0).optional(),
      durationMs: z.int().min(0).optional(),
    })
    .optional(),
});

/** The robot's job view (GET /jobs/:id and callbacks). */
const RobotJobSchema = z.object({
  id: z.string().optional(),
  jobId: z.string().optional(),
  state: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z.object({ fraction: z.number(), step: z.string() }).optional(),
  measured: z.record(z.string(), z.unknown()).optional(),
  files: z.array(z.unknown()).optional(),
  reason: z.string().optional(),
  retryable: z.boolean().optional(),
});

function toStatus(job: z.infer<typeof RobotJobSchema>): LabJobStatus {
  switch (job.state) {
    case 'queued':
    case 'running':
      return LabJobStatusSchema.parse({ state: job.state, progress: job.progress });
    case 'succeeded':
      return LabJobStatusSchema.parse({
        state: 'succeeded',
        measured: job.measured ?? {},
        files: job.files ?? [],
      });
    default:
      return LabJobStatusSchema.parse({
        state: job.state,
        reason: job.reason ?? job.state,
        retryable: job.retryable ?? job.state === 'failed',
      });
  }
}

class HttpRobot implements LabRobot {
  readonly #s: HttpRobotSettings;
  constructor(settings: HttpRobotSettings) {
    this.#s = settings;
  }

  async #call(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.#s.baseUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(this.#s.apiKey ? { authorization: `Bearer ${this.#s.apiKey}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.#s.requestTimeoutMs)]),
      });
    } catch (err) {
      throw new LabRobotUnavailable(`${method} ${path}: robot unreachable (${(err as Error).message})`);
    }
    if (res.status >= 500)
      throw new LabRobotUnavailable(`${method} ${path}: robot answered ${res.status} ${await res.text()}`);
    return res;
  }

  async submit(job: LabJobRequest, signal: AbortSignal): Promise<{ jobId: string }> {
    const res = await this.#call('POST', '/jobs', signal, {
      key: job.key,
      experimentKey: job.experimentKey,
      device: job.device,
      formula: job.structure.reducedFormula,
      species: job.structure.species,
      latticeA: job.structure.latticeA,
      fracCoords: job.structure.fracCoords,
      params: job.request,
      callbackUrl: job.callbackUrl,
    });
    if (!res.ok)
      throw new LabRequestRejected(`the robot refused the job (${res.status}): ${await res.text()}`);
    const { id } = z.object({ id: z.string() }).parse(await res.json());
    return { jobId: id };
  }

  async status(jobId: string, signal: AbortSignal): Promise<LabJobStatus> {
    const res = await this.#call('GET', `/jobs/${encodeURIComponent(jobId)}`, signal);
    if (!res.ok) throw new LabRobotUnavailable(`GET /jobs/${jobId}: ${res.status} ${await res.text()}`);
    return toStatus(RobotJobSchema.parse(await res.json()));
  }

  async cancel(jobId: string, signal: AbortSignal): Promise<void> {
    await this.#call('POST', `/jobs/${encodeURIComponent(jobId)}/cancel`, signal);
  }

  parseCallback(body: unknown): LabCallback {
    const job = RobotJobSchema.parse(body);
    const jobId = job.jobId ?? job.id;
    if (!jobId) throw new Error('callback without jobId');
    return { jobId, status: toStatus(job) };
  }
}

export default defineLabPlugin({
  name: 'http-robot',
  description: 'HTTP synthesis + XRD robot (the simulator in this folder, or one with its API)',
  settingsSchema: HttpRobotSettingsSchema,
  requestSchema: HttpRobotRequestSchema,
  create: (settings) => new HttpRobot(settings),
});
