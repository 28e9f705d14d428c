import type { PoolClient } from 'pg';
import { qualified } from '../names';

/**
 * Per build, the last applied revision of each stream, in a companion table dropped with the
 * build (one DROP instead of deleting a row per customer at the switch).
 */
export async function createStreamsTable(client: PoolClient, table: string): Promise<void> {
  await client.query(
    `CREATE TABLE ${qualified(table)} (stream_id text PRIMARY KEY, revision bigint NOT NULL)`,
  );
}

export async function dropStreamsTable(client: PoolClient, table: string): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${qualified(table)}`);
}

export async function readStreamRevisions(
  client: PoolClient,
  table: string,
  streamIds: readonly string[],
): Promise<Map<string, number>> {
  if (streamIds.length === 0) return new Map();
  const { rows } = await client.query<{ stream_id: string; revision: string }>(
    `SELECT stream_id, revision FROM ${qualified(table)} WHERE stream_id = ANY ($1::text[])`,
    [[...streamIds]],
  );
  return new Map(rows.map((r) => [r.stream_id, Number(r.revision)]));
}

export async function storeStreamRevisions(
  client: PoolClient,
  table: string,
  revisions: ReadonlyMap<string, number>,
): Promise<void> {
  if (revisions.size === 0) return;
  await client.query(
    `INSERT INTO ${qualified(table)} AS s (stream_id, revision)
     SELECT * FROM unnest($1::text[], $2::bigint[])
     ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision
      WHERE s.revision < EXCLUDED.revision`,
    [[...revisions.keys()], [...revisions.values()]],
  );
}
