/**
 * `matdisc worker` and `matdisc lab` find their services like the campaign commands
 * (cli/stack/stack-endpoints.ts), run as a user runs them (bin/matdisc.js, no TEMPORAL_ADDRESS or
 * DATABASE_URL): with no stack on the data dir they say to start `matdisc dev` or set the
 * variables; with a live stack advertised in `<data dir>/stack.json` they use its endpoints.
 */
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lattice } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { structureRow } from '../../db/structure-row.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const ROOT = resolve(import.meta.dirname, '../..');

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DATABASE_URL', 'MATDISC_DATA_DIR'])
    delete env[name];
  return env;
}

const matdisc = (args: string[]) =>
  execa('node', [join(ROOT, 'bin/matdisc.js'), ...args], {
    cwd: ROOT,
    reject: false,
    extendEnv: false,
    env: cleanEnv(),
    timeout: 60_000,
  });

describe('worker and lab on the data dir of a matdisc dev stack', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-worker-lab-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('with no stack and no environment, worker and lab say to start matdisc dev or set the variables', async () => {
    const empty = join(dir, 'empty');
    const worker = await matdisc(['worker', '--queues', 'cpu', '--data-dir', empty]);
    expect(worker.exitCode).toBe(1);
    expect(worker.stderr).toContain(
      `no Temporal server or database for the workers: TEMPORAL_ADDRESS and DATABASE_URL are not set and no stack is running for ${empty}`,
    );
    expect(worker.stderr).toContain(`matdisc dev --data-dir ${empty}`);

    const cancel = await matdisc(['lab', 'cancel', 'some-workflow', '--data-dir', empty]);
    expect(cancel.exitCode).toBe(1);
    expect(cancel.stderr).toMatch(/no Temporal server: TEMPORAL_ADDRESS is not set and no stack is running/);
    expect(cancel.stderr).toContain(`matdisc dev --data-dir ${empty}`);

    const list = await matdisc(['lab', 'list', '--data-dir', empty]);
    expect(list.exitCode).toBe(1);
    expect(list.stderr).toMatch(
      /no database: DATABASE_URL is not set, no stack is running .* TEMPORAL_ADDRESS and DATABASE_URL/,
    );
  });

  describe('with a live stack advertised in stack.json', () => {
    let t: TestDatabase;
    let temporalPort: Server;
    let dataDir: string;

    beforeAll(async () => {
      t = await openTestDatabase('pglite', { migrated: true });
      const s = await insertOnce(
        t.db,
        'structures',
        structureRow(
          Structure.create(
            Lattice.cubic(4),
            ['Na', 'Cl'],
            [
              [0, 0, 0],
              [0.5, 0.5, 0.5],
            ],
          ),
          'relaxed',
        ),
        'lab-structure',
      );
      await insertOnce(t.db, 'lab_experiments', { structure_id: s.id, plugin: 'http-robot' }, 'lab-1');
      // Something that answers on the advertised Temporal port: the liveness check is a TCP connect.
      temporalPort = createServer((socket) => socket.destroy());
      await new Promise<void>((done) => temporalPort.listen(0, '127.0.0.1', done));
      const address = temporalPort.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      dataDir = join(dir, 'live');
      mkdirSync(dataDir);
      writeFileSync(
        join(dataDir, 'stack.json'),
        JSON.stringify({
          version: 1,
          holder: 'matdisc dev',
          pid: process.pid,
          hostname: hostname(),
          startedAt: new Date().toISOString(),
          dataDir,
          temporalAddress: `127.0.0.1:${address.port}`,
          namespace: 'default',
          databaseUrl: t.url,
        }),
      );
    });
    afterAll(async () => {
      await new Promise((done) => temporalPort?.close(done));
      await t?.close();
    });

    it("lab list reads the stack's database", async () => {
      const list = await matdisc(['lab', 'list', '--data-dir', dataDir, '--json']);
      expect(list.exitCode, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([
        expect.objectContaining({ plugin: 'http-robot', status: 'requested', reduced_formula: 'NaCl' }),
      ]);
    });
  });
});
