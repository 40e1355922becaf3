/**
 * Starts the real services the suite shares: one Temporal dev server (with a namespace per suite)
 * and one PostgreSQL server with pgvector. Suites reach them through `inject(...)`.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PostgresServer } from '../cli/stack/postgres-server.js';
import { TemporalDevServer } from '../cli/stack/temporal-dev-server.js';
import { TEST_NAMESPACES } from './helpers/namespaces.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'matdisc-test-'));
  chmodSync(root, 0o755); // the PostgreSQL server runs as `postgres` when we are root
  const [temporal, postgres] = await Promise.all([
    TemporalDevServer.start({ stateDir: root, extraNamespaces: TEST_NAMESPACES }),
    PostgresServer.start({ dataDir: join(root, 'postgres') }),
  ]);
  project.provide('temporalAddress', temporal.address);
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await Promise.allSettled([temporal.stop(), postgres.stop()]);
    rmSync(root, { recursive: true, force: true });
  };
}
