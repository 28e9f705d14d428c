import type { JsonObject } from '@touchline/event-store';
import type { Pool } from 'pg';
import { qualified } from '../names';

/** Through the read view, never a build's table: the view is what the switch re-points atomically. */
export async function readRows(
  pool: Pool,
  view: string,
  keys: readonly string[],
): Promise<Map<string, JsonObject>> {
  const { rows } = await pool.query<{ key: string; data: JsonObject }>(
    `SELECT key, data FROM ${qualified(view)} WHERE key = ANY ($1::text[])`,
    [[...keys]],
  );
  return new Map(rows.map((r) => [r.key, r.data]));
}
