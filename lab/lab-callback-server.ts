/**
 * The lab worker's callback receiver: robots POST their reports to
 * `<base>/lab/experiments/<experiment id>/callback`; the plugin parses the body
 * (`parseCallback`, default `{ jobId, status }`) and the completer applies it. Answers: 200 (applied,
 * or stale), 400 (a body the plugin cannot parse), 404 (no such experiment, or its plugin is not
 * loaded here), 409 (a job not stored yet: repeat later), 500 (the database or Temporal failed:
 * repeat later). A robot should repeat a report until it gets a 2xx or 4xx other than 409.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { findLabExperimentPlugin } from '../db/lab-experiments.js';
import type { LabCompleter } from './lab-completer.js';
import { LabJobStatusSchema, type LabCallback } from './lab-plugin.js';
import type { LoadedLabPlugin } from './load-lab-plugin.js';

export interface LabCallbackServerOptions {
  readonly db: Database;
  readonly completer: LabCompleter;
  readonly plugins: readonly LoadedLabPlugin[];
  readonly port: number;
  readonly host?: string | undefined;
  /** The base URL robots reach this receiver at (default http://host:port). */
  readonly publicUrl?: string | undefined;
}

export interface LabCallbackServer {
  /** Base URL; a callback URL is `${url}/lab/experiments/<id>/callback`. */
  readonly url: string;
  close(): Promise<void>;
}

const DefaultCallbackSchema = z.object({ jobId: z.string().min(1), status: LabJobStatusSchema });
const MAX_BODY_BYTES = 16 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startLabCallbackServer(options: LabCallbackServerOptions): Promise<LabCallbackServer> {
  const robots = new Map(options.plugins.map((p) => [p.name, p.robot]));
  const server = createServer((req, res) => {
    const reply = (code: number, body: object) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/lab\/experiments\/(\d+)\/callback$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return reply(404, { error: 'POST /lab/experiments/<id>/callback' });
    const experimentId = m[1]!;
    void (async () => {
      let body: unknown;
      try {
        body = await readJson(req);
      } catch (err) {
        return reply(400, { error: `not JSON: ${(err as Error).message}` });
      }
      const plugin = await findLabExperimentPlugin(options.db, experimentId);
      const robot = plugin !== undefined ? robots.get(plugin) : undefined;
      if (!robot) return reply(404, { error: `no experiment ${experimentId} of a plugin loaded here` });
      let callback: LabCallback;
      try {
        callback = robot.parseCallback ? robot.parseCallback(body) : DefaultCallbackSchema.parse(body);
      } catch (err) {
        return reply(400, { error: `cannot parse the report: ${(err as Error).message}` });
      }
      const outcome = await options.completer.apply(experimentId, callback.jobId, callback.status);
      if (outcome === 'unknown-job')
        return reply(409, { outcome, error: 'job not stored yet; repeat the report' });
      if (outcome === 'unknown-experiment') return reply(404, { outcome });
      return reply(200, { outcome });
    })().catch((err: unknown) => reply(500, { error: (err as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: options.publicUrl ?? `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
