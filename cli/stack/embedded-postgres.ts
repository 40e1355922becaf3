/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) with pgvector, persisted to
 * a directory and served over the PostgreSQL wire protocol by pglite-socket, so every part of
 * matdisc talks to it through `pg` exactly as it would to a real server.
 *
 * PGlite serves one connection at a time (see DESIGN.md): keep transactions short.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from './free-port.js';

export interface EmbeddedPostgresOptions {
  /** Directory for PGlite's files; `memory://` keeps everything in memory. */
  readonly dataDir: string;
  readonly port?: number;
}

export class EmbeddedPostgres {
  readonly #db: PGlite;
  readonly #server: PGLiteSocketServer;
  readonly url: string;

  private constructor(db: PGlite, server: PGLiteSocketServer, url: string) {
    this.#db = db;
    this.#server = server;
    this.url = url;
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const db = await PGlite.create(options.dataDir, { extensions: { vector } });
    const port = options.port ?? (await freePort());
    const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 16 });
    await server.start();
    // PGlite accepts any user and password; `postgres` is its single database.
    return new EmbeddedPostgres(db, server, `postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  }

  async stop(): Promise<void> {
    await this.#server.stop();
    await this.#db.close();
  }
}
