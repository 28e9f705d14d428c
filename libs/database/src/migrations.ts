import { createHash } from 'node:crypto';
import type { Pool } from 'pg';

/**
 * A versioned SQL migration. Shipped migrations are never edited: the runner stores each one's
 * checksum and refuses to start when a shipped one has changed. Add a new version instead.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class MigrationChecksumError extends Error {
  constructor(scope: string, migration: Migration) {
    super(
      `Migration ${scope} ${migration.version} (${migration.name}) was edited after it was applied. ` +
        'Shipped migrations are immutable: restore it and add a new migration instead.',
    );
    this.name = 'MigrationChecksumError';
  }
}

const LOCK_KEY = 'touchline.migrations';

/**
 * Applies the migrations of one scope (e.g. "event-store") that are not applied yet, each in its own
 * transaction, under an advisory lock so that concurrent starts apply each migration once.
 * Returns the versions applied now.
 */
export async function runMigrations(
  pool: Pool,
  scope: string,
  migrations: Migration[],
): Promise<number[]> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS touchline;
      CREATE TABLE IF NOT EXISTS touchline.schema_migrations (
        scope text NOT NULL,
        version integer NOT NULL,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, version)
      )`);
    const { rows } = await client.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM touchline.schema_migrations WHERE scope = $1',
      [scope],
    );
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const done: number[] = [];
    for (const migration of ordered) {
      const checksum = createHash('sha256').update(migration.sql).digest('hex');
      const existing = applied.get(migration.version);
      if (existing !== undefined) {
        if (existing !== checksum) throw new MigrationChecksumError(scope, migration);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO touchline.schema_migrations (scope, version, name, checksum) VALUES ($1, $2, $3, $4)',
          [scope, migration.version, migration.name, checksum],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      done.push(migration.version);
    }
    return done;
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY])
      .catch(() => undefined);
    client.release();
  }
}
