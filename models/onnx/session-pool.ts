/**
 * ONNX Runtime sessions, shared by every model (potential or generator) loaded from the same file
 * with the same settings, and the choice of execution provider.
 *
 * CUDA is used when it works: `onnxruntime-node` ships the CPU provider built in, while the CUDA
 * provider needs extra shared libraries (`scripts/setup-cuda.sh` puts them next to the binding, with
 * the CUDA 13 libraries on `LD_LIBRARY_PATH`) and a GPU. CUDA is tried only when both are present;
 * otherwise, or when the attempt fails, the session runs on the CPU and the reason is kept (the
 * model's `device`) and logged, in one line, unless the choice was 'auto' on a machine without a GPU.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';

/** Which execution provider to ask for. */
export const ExecutionProviderChoice = { auto: 'auto', cpu: 'cpu', cuda: 'cuda' } as const;
export type ExecutionProviderChoice = (typeof ExecutionProviderChoice)[keyof typeof ExecutionProviderChoice];

/** Settings that identify a session in the pool. */
export interface SessionSettings {
  readonly executionProviders: ExecutionProviderChoice;
  /** ONNX Runtime intra-op threads; undefined lets ONNX Runtime choose (one per core). */
  readonly intraOpThreads?: number;
  readonly log: (message: string) => void;
}

/** A session and the provider it actually runs on. */
export interface PooledSession {
  readonly session: ort.InferenceSession;
  readonly executionProvider: 'cpu' | 'cuda';
  /** Why the CPU is used when CUDA was asked for or considered; undefined otherwise. */
  readonly fallbackReason?: string;
}

interface Entry {
  readonly promise: Promise<PooledSession>;
  refs: number;
}

/** Sessions released at refcount 0 are kept this many at a time, newest first, for reuse. */
const MAX_IDLE = 4;
const pool = new Map<string, Entry>();
const idle: string[] = [];

/** Gets (or creates) the session for `path` with `settings`; pair with {@link releaseSession}. */
export function acquireSession(
  path: string,
  settings: SessionSettings,
): { key: string; promise: Promise<PooledSession> } {
  const key = `${path}|${settings.executionProviders}|${settings.intraOpThreads ?? 'default'}`;
  let entry = pool.get(key);
  if (!entry) {
    const promise = createSession(path, settings);
    entry = { promise, refs: 0 };
    pool.set(key, entry);
    // A failed creation must not stay cached.
    promise.catch(() => pool.get(key) === entry && pool.delete(key));
  }
  const at = idle.indexOf(key);
  if (at >= 0) idle.splice(at, 1);
  entry.refs += 1;
  return { key, promise: entry.promise };
}

/** Drops one reference; idle sessions beyond {@link MAX_IDLE} are released. */
export async function releaseSession(key: string): Promise<void> {
  const entry = pool.get(key);
  if (!entry) return;
  entry.refs -= 1;
  if (entry.refs > 0) return;
  idle.unshift(key);
  while (idle.length > MAX_IDLE) {
    const old = idle.pop()!;
    const e = pool.get(old);
    pool.delete(old);
    if (e) await (await e.promise).session.release();
  }
}

/** Releases every pooled session (tests and benchmarks). */
export async function clearSessionPool(): Promise<void> {
  const entries = [...pool.values()];
  pool.clear();
  idle.length = 0;
  await Promise.all(entries.map(async (e) => (await e.promise.catch(() => undefined))?.session.release()));
}

async function createSession(path: string, settings: SessionSettings): Promise<PooledSession> {
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(settings.intraOpThreads ? { intraOpNumThreads: settings.intraOpThreads } : {}),
  };
  const cpu = () => ort.InferenceSession.create(path, { ...base, executionProviders: ['cpu'] });
  if (settings.executionProviders === 'cpu') return { session: await cpu(), executionProvider: 'cpu' };

  // Known-missing GPU or provider: do not attempt (ONNX Runtime would print a native error).
  const missing = cudaUnavailableReason();
  if (missing) {
    if (settings.executionProviders === 'cuda')
      settings.log(`potential ${path}: CUDA requested but ${missing}; running on the CPU`);
    return { session: await cpu(), executionProvider: 'cpu', fallbackReason: missing };
  }
  try {
    const session = await ort.InferenceSession.create(path, { ...base, executionProviders: ['cuda', 'cpu'] });
    return { session, executionProvider: 'cuda' };
  } catch (err) {
    const reason = `CUDA execution provider failed: ${cudaFailureSummary((err as Error).message)}`;
    settings.log(`potential ${path}: ${reason}; running on the CPU`);
    return { session: await cpu(), executionProvider: 'cpu', fallbackReason: reason };
  }
}

/** Why CUDA cannot work here, or undefined when it might. */
export function cudaUnavailableReason(): string | undefined {
  const gpu = ['/dev/nvidiactl', '/proc/driver/nvidia/version'].some((p) => existsSync(p));
  if (!gpu) return 'no NVIDIA GPU visible (/dev/nvidiactl absent)';
  const libDir = onnxruntimeLibDir();
  if (libDir && !existsSync(join(libDir, 'libonnxruntime_providers_cuda.so'))) {
    return `onnxruntime-node's CUDA provider is not installed in ${libDir} (run bash scripts/setup-cuda.sh)`;
  }
  return undefined;
}

/**
 * One line out of ONNX Runtime's CUDA error: its `CUDA failure N: text` when there is one (the
 * message around it is source paths and a template signature), else the first line, with a hint
 * where the provider's libraries did not load (ONNX Runtime's own log line names the missing one).
 */
export function cudaFailureSummary(message: string): string {
  const cuda = /CUDA failure \d+: [^;]*[^;\s]/.exec(message);
  if (cuda) return cuda[0];
  const first = message.split('\n')[0]!.trim();
  return /Failed to load shared library/i.test(first)
    ? `${first} (a CUDA library or the driver's libcuda.so.1 is missing: source "$(bash scripts/setup-cuda.sh --env-file)")`
    : first;
}

function onnxruntimeLibDir(): string | undefined {
  try {
    const index = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(index), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}
