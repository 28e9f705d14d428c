import { types } from 'node:util';
import { Pool, type PoolConfig } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

export interface Database {
  /** 'embedded' when PGlite runs in this process; the pool then has exactly one connection. */
  kind: 'embedded' | 'server';
  url: string;
  pool: Pool;
  /** Ends the pool, then stops the embedded server if there is one. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL; absent: start the embedded PGlite in dataDir (in memory without one). */
  databaseUrl?: string;
  dataDir?: string;
  /** Connections for a server database; ignored by the embedded one (always 1). Default 10. */
  poolSize?: number;
  applicationName?: string;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(options.dataDir);
    url = embedded.url;
  }
  const config: PoolConfig = {
    connectionString: url,
    max: embedded ? 1 : (options.poolSize ?? 10),
    application_name: options.applicationName ?? 'touchline',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  };
  const pool = new Pool(config);
  // An idle client that loses its server emits 'error' on the pool; without a listener Node
  // would crash. The next query gets a fresh connection (or a clear error).
  pool.on('error', () => undefined);
  // A checked-out client whose connection drops emits 'error' too; with no listener that crashes
  // the process (seen: a projection transaction during a database outage). The failure still
  // reaches the caller as the rejected query, so listening is enough.
  pool.on('connect', (client) => client.on('error', () => undefined));
  let closed = false;
  return {
    kind: embedded ? 'embedded' : 'server',
    url,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await embedded?.stop();
    },
  };
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '55000', // object_not_in_prerequisite_state: e.g. the database does not accept connections now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300', // too_many_connections
]);

/** True for failures of the connection or the server, as opposed to errors of the statement. */
export function isConnectionError(error: unknown): boolean {
  // Socket errors are made by Node itself: in another realm (a VM context) they fail instanceof.
  if (!(error instanceof Error) && !types.isNativeError(error)) return false;
  const code = (error as { code?: string }).code;
  if (code && CONNECTION_ERROR_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed/i.test(
    error.message,
  );
}
