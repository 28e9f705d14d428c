import type { Pool } from 'pg';

/** The relay's checkpoint (table relay.checkpoints, named after the topic): the Kafka source's publishedUpTo. */
export async function relayCheckpoint(pool: Pool, name: string): Promise<string | null> {
  const { rows } = await pool.query<{ checkpoint: string | null }>(
    'SELECT checkpoint FROM relay.checkpoints WHERE name = $1',
    [name],
  );
  return rows[0]?.checkpoint ?? null;
}
