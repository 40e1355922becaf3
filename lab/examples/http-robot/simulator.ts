/**
 * A simulated synthesis + XRD robot behind HTTP, for the example plugin (`plugin.ts`) and the
 * tests. Each device runs one job at a time from its own FIFO queue; a job waits in the queue,
 * runs `durationMs` with a progress report every `progressEveryMs`, then "measures" an XRD pattern
 * of the submitted structure (Bragg peaks of its lattice, Cu Kα) and a phase purity, and offers
 * the diffractogram as a file. Reports go to the job's callback URL (POST `{jobId, state, ...}`),
 * repeated every `callbackRetryMs` until the receiver answers 2xx or a 4xx other than 409.
 *
 * HTTP API:
 *   POST /jobs {key, device, experimentKey, formula, species, latticeA, fracCoords, params, callbackUrl}
 *        → 201 {id} (200 with the same id for a key seen before)
 *   GET  /jobs/:id → {id, state, progress?, measured?, files?, reason?, retryable?}
 *   POST /jobs/:id/cancel → 200
 *   GET  /jobs?experimentKey=K → [{id, key, device, state, submittedAt, startedAt, finishedAt}]
 *   GET  /files/:name → the file
 *
 * Injected failures, globally (options) or per job (`params.simulate`): `failJobs: n` (the first n
 * jobs of an experiment fail with a retryable "gripper dropped the crucible"), `fatal: true` (fails,
 * not retryable), `silent: true` (accepts the job, then never reports and never answers about it),
 * `submitErrors: n` (the first n submissions of an experiment answer 503), `durationMs`.
 *
 *   node --import tsx lab/examples/http-robot/simulator.ts --port 8787 --duration-ms 5000
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

export interface SimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** Run time of a job, ms. */
  readonly durationMs?: number;
  readonly progressEveryMs?: number;
  readonly callbackRetryMs?: number;
  /** Probability that a job fails (retryable), from a seeded generator. */
  readonly failureRate?: number;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

interface SimulateHints {
  failJobs?: number;
  fatal?: boolean;
  silent?: boolean;
  submitErrors?: number;
  durationMs?: number;
}

interface Job {
  id: string;
  key: string;
  experimentKey: string;
  device: string;
  formula: string;
  latticeA: number[][];
  params: Record<string, unknown>;
  simulate: SimulateHints;
  callbackUrl: string | null;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  fraction: number;
  step: string;
  measured?: Record<string, unknown>;
  files?: { name: string; url: string; mediaType: string; bytes: number; sha256: string }[];
  reason?: string;
  retryable?: boolean;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  timer?: NodeJS.Timeout;
  /** The newest report not yet taken by the callback receiver. */
  pending?: string;
}

const CU_KALPHA_A = 1.5406;

/** Bragg peaks 2θ (degrees) of a lattice (rows are vectors, Å) for |h|,|k|,|l| ≤ 2, Cu Kα. */
export function braggPeaks(latticeA: number[][]): number[] {
  const [a, b, c] = latticeA as [number[], number[], number[]];
  const cross = (u: number[], v: number[]) => [
    u[1]! * v[2]! - u[2]! * v[1]!,
    u[2]! * v[0]! - u[0]! * v[2]!,
    u[0]! * v[1]! - u[1]! * v[0]!,
  ];
  const dot = (u: number[], v: number[]) => u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
  const vol = dot(a, cross(b, c));
  const recip = [cross(b, c), cross(c, a), cross(a, b)].map((v) => v.map((x) => x / vol));
  const peaks = new Set<number>();
  for (let h = -2; h <= 2; h++)
    for (let k = -2; k <= 2; k++)
      for (let l = -2; l <= 2; l++) {
        if (h === 0 && k === 0 && l === 0) continue;
        const g = [0, 1, 2].map((i) => h * recip[0]![i]! + k * recip[1]![i]! + l * recip[2]![i]!);
        const s = (CU_KALPHA_A * Math.sqrt(dot(g, g))) / 2;
        if (s < 1) peaks.add(Math.round(((2 * Math.asin(s) * 180) / Math.PI) * 100) / 100);
      }
  return [...peaks].sort((x, y) => x - y).slice(0, 12);
}

export class RobotSimulator {
  readonly #opts: Required<Omit<SimulatorOptions, 'port' | 'host' | 'log'>> & Pick<SimulatorOptions, 'log'>;
  readonly #jobs = new Map<string, Job>();
  readonly #byKey = new Map<string, Job>();
  readonly #submitAttempts = new Map<string, number>();
  readonly #files = new Map<string, string>();
  readonly #server: Server;
  #rand: () => number;
  #next = 1;
  #url = '';

  private constructor(options: SimulatorOptions) {
    this.#opts = {
      durationMs: options.durationMs ?? 5000,
      progressEveryMs: options.progressEveryMs ?? 1000,
      callbackRetryMs: options.callbackRetryMs ?? 1000,
      failureRate: options.failureRate ?? 0,
      seed: options.seed ?? 1,
      log: options.log,
    };
    let a = this.#opts.seed >>> 0;
    this.#rand = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    this.#server = createServer((req, res) => {
      this.#route(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
  }

  static async start(options: SimulatorOptions = {}): Promise<RobotSimulator> {
    const sim = new RobotSimulator(options);
    await new Promise<void>((resolve) =>
      sim.#server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
    );
    const { port } = sim.#server.address() as AddressInfo;
    sim.#url = `http://${options.host ?? '127.0.0.1'}:${port}`;
    return sim;
  }

  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    for (const j of this.#jobs.values()) clearTimeout(j.timer);
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #log(line: string) {
    this.#opts.log?.(line);
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/jobs') return this.#submit(await readBody(req), json);
    const m = /^\/jobs\/([^/]+)(\/cancel)?$/.exec(url.pathname);
    if (m) {
      const job = this.#jobs.get(m[1]!);
      if (!job) return json(404, { error: `no job ${m[1]}` });
      if (m[2] && req.method === 'POST') {
        this.#finish(job, 'cancelled', { reason: 'cancelled on request', retryable: false });
        return json(200, this.#view(job));
      }
      if (job.simulate.silent) return; // never answers: the request hangs until the client gives up
      return json(200, this.#view(job));
    }
    if (req.method === 'GET' && url.pathname === '/jobs') {
      const key = url.searchParams.get('experimentKey');
      return json(
        200,
        [...this.#jobs.values()]
          .filter((j) => key === null || j.experimentKey === key)
          .map((j) => ({
            id: j.id,
            key: j.key,
            device: j.device,
            state: j.state,
            submittedAt: j.submittedAt,
            startedAt: j.startedAt ?? null,
            finishedAt: j.finishedAt ?? null,
          })),
      );
    }
    const f = /^\/files\/(.+)$/.exec(url.pathname);
    if (f && this.#files.has(f[1]!)) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(this.#files.get(f[1]!));
      return;
    }
    json(404, { error: 'not found' });
  }

  #submit(body: unknown, json: (code: number, body: unknown) => void): void {
    const b = body as Partial<Job> & { latticeA?: number[][]; params?: Record<string, unknown> };
    if (!b || typeof b.key !== 'string' || typeof b.device !== 'string' || !Array.isArray(b.latticeA))
      return json(400, { error: 'need key, device, latticeA' });
    const known = this.#byKey.get(b.key);
    if (known) return json(200, { id: known.id });
    const simulate = (b.params?.simulate ?? {}) as SimulateHints;
    const experimentKey = typeof b.experimentKey === 'string' ? b.experimentKey : b.key;
    const tries = (this.#submitAttempts.get(experimentKey) ?? 0) + 1;
    this.#submitAttempts.set(experimentKey, tries);
    if (tries <= (simulate.submitErrors ?? 0)) return json(503, { error: 'robot arm homing, try again' });
    const job: Job = {
      id: `J${this.#next++}`,
      key: b.key,
      experimentKey,
      device: b.device,
      formula: typeof b.formula === 'string' ? b.formula : '?',
      latticeA: b.latticeA,
      params: b.params ?? {},
      simulate,
      callbackUrl: typeof b.callbackUrl === 'string' ? b.callbackUrl : null,
      state: 'queued',
      fraction: 0,
      step: 'queued',
      submittedAt: new Date().toISOString(),
    };
    this.#jobs.set(job.id, job);
    this.#byKey.set(job.key, job);
    this.#log(`job ${job.id} (${job.key}) queued on ${job.device}`);
    json(201, { id: job.id });
    this.#report(job);
    this.#startNext(job.device);
  }

  /** Starts the device's oldest queued job if the device is idle. */
  #startNext(device: string): void {
    const jobs = [...this.#jobs.values()].filter((j) => j.device === device);
    if (jobs.some((j) => j.state === 'running')) return;
    const job = jobs.find((j) => j.state === 'queued');
    if (!job) return;
    job.state = 'running';
    job.startedAt = new Date().toISOString();
    this.#log(`job ${job.id} running on ${device}`);
    if (job.simulate.silent) return; // stays 'running' forever, reports nothing
    const duration = job.simulate.durationMs ?? this.#opts.durationMs;
    const steps = ['weighing precursors', 'milling', 'firing', 'cooling', 'XRD'];
    const started = Date.now();
    const tick = () => {
      if (job.state !== 'running') return;
      const fraction = Math.min(1, (Date.now() - started) / duration);
      if (fraction >= 1) return this.#complete(job);
      job.fraction = Math.round(fraction * 100) / 100;
      job.step = steps[Math.min(steps.length - 1, Math.floor(fraction * steps.length))]!;
      this.#report(job);
      job.timer = setTimeout(tick, Math.min(this.#opts.progressEveryMs, duration - (Date.now() - started)));
    };
    tick();
  }

  #complete(job: Job): void {
    const earlier = [...this.#jobs.values()].filter(
      (j) => j.experimentKey === job.experimentKey && Number(j.id.slice(1)) < Number(job.id.slice(1)),
    ).length;
    if (job.simulate.fatal)
      return this.#finish(job, 'failed', { reason: 'precursor not in the inventory', retryable: false });
    if (earlier < (job.simulate.failJobs ?? 0) || this.#rand() < this.#opts.failureRate)
      return this.#finish(job, 'failed', { reason: 'gripper dropped the crucible', retryable: true });
    const peaks = braggPeaks(job.latticeA);
    const name = `${job.id}-xrd.xy`;
    const text = peaks.map((p) => `${p.toFixed(2)} 100`).join('\n') + '\n';
    this.#files.set(name, text);
    job.measured = {
      technique: 'XRD (Cu Kα)',
      formula: job.formula,
      twoThetaPeaksDeg: peaks,
      targetPhaseFraction: Math.round((0.8 + 0.2 * this.#rand()) * 1000) / 1000,
      temperatureC: job.params.temperatureC ?? null,
    };
    job.files = [
      {
        name,
        url: `${this.#url}/files/${name}`,
        mediaType: 'text/plain',
        bytes: Buffer.byteLength(text),
        sha256: createHash('sha256').update(text).digest('hex'),
      },
    ];
    this.#finish(job, 'succeeded', {});
  }

  #finish(
    job: Job,
    state: 'succeeded' | 'failed' | 'cancelled',
    extra: { reason?: string; retryable?: boolean },
  ) {
    if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') return;
    clearTimeout(job.timer);
    job.state = state;
    job.fraction = state === 'succeeded' ? 1 : job.fraction;
    Object.assign(job, extra);
    job.finishedAt = new Date().toISOString();
    this.#log(`job ${job.id} ${state}${extra.reason ? `: ${extra.reason}` : ''}`);
    this.#report(job);
    this.#startNext(job.device);
  }

  #view(job: Job) {
    return {
      id: job.id,
      state: job.state,
      device: job.device,
      progress: { fraction: job.fraction, step: job.step },
      ...(job.measured ? { measured: job.measured, files: job.files } : {}),
      ...(job.reason ? { reason: job.reason, retryable: job.retryable } : {}),
    };
  }

  /** Sends the job's state to its callback URL, repeating until it is taken (latest state wins). */
  #report(job: Job): void {
    if (!job.callbackUrl || job.simulate.silent) return;
    const body = JSON.stringify({ jobId: job.id, ...this.#view(job) });
    const pending = job.pending;
    job.pending = body;
    if (pending !== undefined) return; // a delivery loop runs; it sends the newest
    const deliver = async (): Promise<void> => {
      const payload = job.pending!;
      const done = await fetch(job.callbackUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(5000),
      }).then(
        (res) => res.ok || (res.status >= 400 && res.status < 500 && res.status !== 409),
        () => false, // receiver down: repeat
      );
      if (done && job.pending === payload) {
        delete job.pending;
        return;
      }
      setTimeout(() => void deliver(), done ? 0 : this.#opts.callbackRetryMs);
    };
    void deliver();
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

// Run as a program: `node --import tsx simulator.ts --port 8787 …`; prints "listening <url>".
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'duration-ms': { type: 'string', default: '5000' },
      'progress-every-ms': { type: 'string', default: '1000' },
      'callback-retry-ms': { type: 'string', default: '1000' },
      'failure-rate': { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
    },
  });
  const sim = await RobotSimulator.start({
    port: Number(values.port),
    host: values.host,
    durationMs: Number(values['duration-ms']),
    progressEveryMs: Number(values['progress-every-ms']),
    callbackRetryMs: Number(values['callback-retry-ms']),
    failureRate: Number(values['failure-rate']),
    seed: Number(values.seed),
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(`listening ${sim.url}\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
