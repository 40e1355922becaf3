/**
 * Worker processes for the reliability tests: `startWorkerProcess` runs `worker-process.ts` in a
 * child process of its own process group and resolves once it polls; `killWorkerProcess` kills
 * that group with SIGKILL, as a lost host would (no shutdown, no goodbye to Temporal);
 * `stopWorkerProcesses` ends the survivors with SIGTERM in `afterAll`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface WorkerProcessOptions {
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly databaseUrl: string;
  readonly workRoot: string;
  /** Seconds every DFT job (local or SLURM) sleeps before pw.x starts. */
  readonly dftDelayS?: number;
}

export async function startWorkerProcess(
  options: WorkerProcessOptions,
  started: ChildProcess[] = [],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'worker-process.ts')], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_NAMESPACE: options.namespace,
      DATABASE_URL: options.databaseUrl,
      WORK_ROOT: options.workRoot,
      DFT_DELAY_S: String(options.dftDelayS ?? 0),
    },
  });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    const early = (code: number | null, signal: string | null) =>
      reject(new Error(`worker exited before it was ready: ${code ?? signal}`));
    child.once('exit', early);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      if (!s.includes('ready')) return;
      child.removeListener('exit', early);
      resolve();
    });
  });
  return child;
}

export const isAlive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** SIGKILL to the worker's whole process group; resolves once it has exited. */
export async function killWorkerProcess(child: ChildProcess): Promise<void> {
  if (!isAlive(child)) throw new Error(`worker ${child.pid} is not running`);
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

export async function stopWorkerProcesses(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.filter(isAlive).map(async (c) => {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const timer = setTimeout(() => isAlive(c) && process.kill(-c.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}
