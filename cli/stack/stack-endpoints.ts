/**
 * Where the commands find the stack of a data dir. A process that runs the embedded stack
 * (`matdisc dev`, `matdisc demo`, a foreground `matdisc campaign start`) advertises its endpoints in
 * `<dataDir>/stack.json` (written atomically once its services answer, removed when it stops), so
 * other commands talk to it instead of opening the data dir's files: PGlite and Temporal's SQLite
 * file are single-process.
 *
 * Resolution, per service: the environment (TEMPORAL_ADDRESS with TEMPORAL_NAMESPACE, DATABASE_URL)
 * wins; then the live stack of the data dir; then none, and the command opens the data dir itself
 * or says how to start a stack. A stack.json whose process is gone, or whose Temporal port no longer
 * answers (the pid reused after a crash), is stale: ignored, and replaced by the next stack.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { dataDirPath } from './data-dir.js';

export const DISCOVERY_FILE = 'stack.json';

/** The contents of `<dataDir>/stack.json`. */
export interface StackDiscovery {
  readonly version: 1;
  /** The process that holds the data dir, e.g. "matdisc dev". */
  readonly holder: string;
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  readonly dataDir: string;
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly databaseUrl: string;
  /** The Temporal Web UI, when the holder serves one. */
  readonly temporalUiUrl?: string | undefined;
}

export interface TemporalEndpoint {
  readonly address: string;
  readonly namespace: string;
  /** 'env': TEMPORAL_ADDRESS; 'stack': the live stack of the data dir. */
  readonly source: 'env' | 'stack';
}

export interface DatabaseEndpoint {
  readonly url: string;
  readonly source: 'env' | 'stack';
}

export interface StackEndpoints {
  /** Absolute data dir. */
  readonly dataDir: string;
  readonly temporal?: TemporalEndpoint | undefined;
  readonly database?: DatabaseEndpoint | undefined;
  /** The live stack of the data dir, when one was consulted and found. */
  readonly stack?: StackDiscovery | undefined;
}

export function discoveryPath(dataDir: string): string {
  return join(dataDir, DISCOVERY_FILE);
}

/** "matdisc dev (pid 123)". */
export function describeHolder(stack: StackDiscovery): string {
  return `${stack.holder} (pid ${stack.pid})`;
}

function readDiscovery(dataDir: string): StackDiscovery | undefined {
  let text: string;
  try {
    text = readFileSync(discoveryPath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const d = JSON.parse(text) as Partial<StackDiscovery>;
    if (
      d.version !== 1 ||
      typeof d.pid !== 'number' ||
      typeof d.temporalAddress !== 'string' ||
      typeof d.databaseUrl !== 'string' ||
      typeof d.namespace !== 'string'
    )
      return undefined;
    return d as StackDiscovery;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether something accepts TCP connections at host:port (within `timeoutMs`). */
function answers(address: string, timeoutMs = 1500): Promise<boolean> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(address.slice(at + 1));
  if (at < 0 || !Number.isInteger(port)) return Promise.resolve(false);
  return new Promise((resolveAnswer) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolveAnswer(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The live stack of the data dir (absolute path), or undefined when there is none or its
 * stack.json is stale: the process is gone, runs on another host, or its Temporal port is closed.
 */
export async function readLiveStack(dataDir: string): Promise<StackDiscovery | undefined> {
  const d = readDiscovery(dataDir);
  if (!d) return undefined;
  if (d.hostname !== undefined && d.hostname !== hostname()) return undefined;
  if (!processAlive(d.pid)) return undefined;
  if (!(await answers(d.temporalAddress))) return undefined;
  return d;
}

/**
 * Writes `<dataDir>/stack.json` atomically (a temporary file, then a rename) and returns the
 * function that removes it (run at exit too), which leaves a file another process wrote since alone.
 */
export function writeStackDiscovery(
  info: Omit<StackDiscovery, 'version' | 'pid' | 'hostname' | 'startedAt'>,
): () => void {
  const file = discoveryPath(info.dataDir);
  const doc: StackDiscovery = {
    version: 1,
    holder: info.holder,
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    dataDir: info.dataDir,
    temporalAddress: info.temporalAddress,
    namespace: info.namespace,
    databaseUrl: info.databaseUrl,
    ...(info.temporalUiUrl ? { temporalUiUrl: info.temporalUiUrl } : {}),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, file);
  const remove = () => {
    process.off('exit', remove);
    if (readDiscovery(info.dataDir)?.pid === process.pid) rmSync(file, { force: true });
  };
  // A process that dies of an error does not leave its file behind (a killed one does: stale).
  process.on('exit', remove);
  return remove;
}

/**
 * The endpoints a command uses for the data dir (`--data-dir`, else MATDISC_DATA_DIR, else .data):
 * TEMPORAL_ADDRESS / DATABASE_URL when set, else those of the data dir's live stack, else none.
 * The data dir is not created.
 */
export async function resolveStackEndpoints(
  options: { dataDir?: string | undefined } = {},
): Promise<StackEndpoints> {
  const root = dataDirPath(options.dataDir);
  const envTemporal = process.env.TEMPORAL_ADDRESS || undefined;
  const envDatabase = process.env.DATABASE_URL || undefined;
  const stack = envTemporal && envDatabase ? undefined : await readLiveStack(root);
  const temporal: TemporalEndpoint | undefined = envTemporal
    ? { address: envTemporal, namespace: process.env.TEMPORAL_NAMESPACE || 'default', source: 'env' }
    : stack
      ? { address: stack.temporalAddress, namespace: stack.namespace, source: 'stack' }
      : undefined;
  const database: DatabaseEndpoint | undefined = envDatabase
    ? { url: envDatabase, source: 'env' }
    : stack
      ? { url: stack.databaseUrl, source: 'stack' }
      : undefined;
  return { dataDir: root, temporal, database, stack };
}

/** ` --data-dir <dir>` for the commands a message suggests, or '' for the default data dir. */
export function dataDirFlag(dataDir: string): string {
  return dataDir === dataDirPath(undefined) ? '' : ` --data-dir ${dataDir}`;
}

/** What to do when a command needs a running stack and there is none. */
export function noStackHint(dataDir: string): string {
  return `start \`matdisc dev${dataDirFlag(dataDir)}\` in another terminal (it runs the Temporal server, the database and the workers of this data dir), or set TEMPORAL_ADDRESS and DATABASE_URL to your own services`;
}
