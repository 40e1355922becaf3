/**
 * A real Temporal server for the embedded stack and the tests: `temporal server start-dev` with a
 * persistent SQLite state file, so a restarted server resumes every running workflow.
 */
import { Connection } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port.js';
import { requireTemporalBinary } from './temporal-binary.js';

export interface TemporalDevServerOptions {
  /** Directory holding `temporal.db`; the state survives restarts. */
  readonly stateDir: string;
  /** gRPC port (default: a free one). */
  readonly port?: number;
  /** Web UI port; the UI is off when undefined. */
  readonly uiPort?: number;
  readonly namespace?: string;
  /** More namespaces to create at start (tests give each suite its own). */
  readonly extraNamespaces?: readonly string[];
}

export class TemporalDevServer {
  readonly #process: ResultPromise;
  readonly address: string;
  readonly namespace: string;

  private constructor(process: ResultPromise, address: string, namespace: string) {
    this.#process = process;
    this.address = address;
    this.namespace = namespace;
  }

  static async start(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
    const binary = requireTemporalBinary();
    const port = options.port ?? (await freePort());
    const namespace = options.namespace ?? 'default';
    const argv = [
      'server',
      'start-dev',
      '--db-filename',
      join(options.stateDir, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--namespace',
      namespace,
      ...(options.extraNamespaces ?? []).flatMap((n) => ['--namespace', n]),
      '--log-level',
      'error',
      // One partition per task queue: with the default four, a backlogged task on one partition
      // can sit for minutes while the only poller (one DFT slot) long-polls the others.
      '--dynamic-config-value',
      'matching.numTaskqueueReadPartitions=1',
      '--dynamic-config-value',
      'matching.numTaskqueueWritePartitions=1',
      ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ];
    const child = execa(binary.path, argv, {
      reject: false,
      cleanup: true,
      stdout: 'ignore',
      stderr: 'pipe',
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const address = `127.0.0.1:${port}`;
    const exited = child.then((r) => {
      throw new Error(`temporal server exited early (code ${r.exitCode}): ${stderr}`);
    });
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      waitFor(
        'Temporal dev server',
        async () => {
          const connection = await Connection.connect({ address, connectTimeout: 1000 });
          try {
            await connection.workflowService.describeNamespace({ namespace });
          } finally {
            await connection.close();
          }
        },
        60_000,
      ),
    ]);
    return new TemporalDevServer(child, address, namespace);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  async stop(): Promise<void> {
    if (this.#process.exitCode !== null && this.#process.exitCode !== undefined) return;
    this.#process.kill('SIGTERM');
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), 5000);
    await this.#process.catch(() => undefined);
    clearTimeout(timer);
  }
}
