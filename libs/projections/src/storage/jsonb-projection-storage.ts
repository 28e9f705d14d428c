import type { JsonObject } from '@touchline/event-store';
import type { PoolClient } from 'pg';
import { RowConflictError } from '../errors';
import type { RowWrite } from '../fold';
import { qualified } from '../names';
import type { JsonbIndex } from '../projection.definition';
import type { ProjectionStorage } from './projection-storage.port';

/**
 * Rows as `key text PRIMARY KEY, data jsonb, updated_position text`, read through the view
 * `projections.<name>` with the same three columns. Because every version has the same columns,
 * the switch is a CREATE OR REPLACE VIEW, which keeps views that analysts built on top of it.
 */
export class JsonbProjectionStorage implements ProjectionStorage {
  constructor(
    private readonly projection: string,
    private readonly indexes: readonly JsonbIndex[] = [],
  ) {}

  async create(
    client: PoolClient,
    table: string,
    { deferIndexes = false }: { deferIndexes?: boolean } = {},
  ): Promise<void> {
    await client.query(
      `CREATE TABLE ${qualified(table)} (
         key text PRIMARY KEY,
         data jsonb NOT NULL,
         updated_position text NOT NULL
       )`,
    );
    if (!deferIndexes) await this.createIndexes(client, table);
  }

  async createIndexes(client: PoolClient, table: string): Promise<void> {
    const generation = /_g(\d+)$/.exec(table)?.[1] ?? '0';
    for (const index of this.indexes) {
      // Index names stay under PostgreSQL's 63 bytes: projection (32) + generation + index (16).
      const name = `${this.projection}_g${generation}_${index.name}`;
      const path = `{${index.path.join(',')}}`;
      await client.query(
        `CREATE INDEX IF NOT EXISTS "${name}" ON ${qualified(table)} ((data #>> '${path}'))`,
      );
    }
  }

  async publish(client: PoolClient, view: string, table: string): Promise<void> {
    await client.query(
      `CREATE OR REPLACE VIEW ${qualified(view)} AS SELECT key, data, updated_position FROM ${qualified(table)}`,
    );
  }

  async drop(client: PoolClient, table: string): Promise<void> {
    await client.query(`DROP TABLE IF EXISTS ${qualified(table)}`);
  }

  async loadRows(
    client: PoolClient,
    table: string,
    keys: readonly string[],
    { lock = true }: { lock?: boolean } = {},
  ): Promise<Map<string, JsonObject>> {
    if (keys.length === 0) return new Map();
    // Sorted, so that two transactions locking overlapping rows take them in the same order.
    const { rows } = await client.query<{ key: string; data: JsonObject }>(
      lock
        ? `SELECT key, data FROM ${qualified(table)} WHERE key = ANY ($1::text[]) ORDER BY key FOR UPDATE`
        : `SELECT key, data FROM ${qualified(table)} WHERE key = ANY ($1::text[])`,
      [[...keys]],
    );
    return new Map(rows.map((r) => [r.key, r.data]));
  }

  async saveRows(
    client: PoolClient,
    table: string,
    writes: ReadonlyMap<string, RowWrite>,
    existed: ReadonlySet<string>,
  ): Promise<void> {
    const updates: [string, string, string][] = [];
    const inserts: [string, string, string][] = [];
    const deletes: string[] = [];
    for (const [key, { row, position }] of writes) {
      if (row === null) {
        if (existed.has(key)) deletes.push(key);
      } else {
        (existed.has(key) ? updates : inserts).push([key, JSON.stringify(row), position]);
      }
    }
    const columns = (list: [string, string, string][]) => [
      list.map((r) => r[0]),
      list.map((r) => r[1]),
      list.map((r) => r[2]),
    ];
    if (updates.length > 0) {
      await client.query(
        `UPDATE ${qualified(table)} AS t
            SET data = u.data::jsonb, updated_position = u.position
           FROM unnest($1::text[], $2::text[], $3::text[]) AS u(key, data, position)
          WHERE t.key = u.key`,
        columns(updates),
      );
    }
    if (inserts.length > 0) {
      const { rowCount } = await client.query(
        `INSERT INTO ${qualified(table)} (key, data, updated_position)
         SELECT u.key, u.data::jsonb, u.position FROM unnest($1::text[], $2::text[], $3::text[]) AS u(key, data, position)
         ON CONFLICT (key) DO NOTHING`,
        columns(inserts),
      );
      if (rowCount !== inserts.length) throw new RowConflictError(table);
    }
    if (deletes.length > 0) {
      await client.query(`DELETE FROM ${qualified(table)} WHERE key = ANY ($1::text[])`, [deletes]);
    }
  }
}
