import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '@touchline/database';

/** Set by .ci/run: a missing PostgreSQL or Kafka is a failure there, never a skip. */
export const STRICT = process.env.TOUCHLINE_TEST_STRICT === '1';

export interface TestDatabase extends Database {
  /** Drops the database (server) or stops PGlite (embedded). */
  destroy(): Promise<void>;
}

/**
 * A fresh, empty database for one test suite: a new database on the server named by DATABASE_URL
 * (CI: the local PostgreSQL), else an in-memory PGlite. Under TOUCHLINE_TEST_STRICT=1 a missing
 * DATABASE_URL is an error, so CI can never silently fall back.
 */
export async function createTestDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    if (STRICT)
      throw new Error('TOUCHLINE_TEST_STRICT=1 but DATABASE_URL is not set: no PostgreSQL server');
    const db = await openDatabase({});
    return { ...db, destroy: () => db.close() };
  }
  const name = `touchline_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: options.poolSize ?? 20 });
  return {
    ...db,
    async destroy() {
      await db.close();
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
