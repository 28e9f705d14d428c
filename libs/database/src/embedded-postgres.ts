import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL the normal `pg` driver connects to. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL in-process: PGlite (PostgreSQL compiled to WASM) served on a loopback port by
 * pglite-socket, so the same `pg` code runs in every profile. PGlite is a single session: callers
 * must use a pool of one connection, so that transactions never interleave.
 *
 * @param dataDir folder for the data files; undefined keeps everything in memory (tests).
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  let dir: string | undefined;
  if (dataDir !== undefined) {
    dir = resolve(dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
  }
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:PORT"
  return {
    url: `postgres://postgres@${conn}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
