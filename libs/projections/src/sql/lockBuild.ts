import type { PoolClient } from 'pg';

export interface LockedBuild {
  state: 'running' | 'stopped' | 'failed';
  version: number;
  table_name: string;
  target_position: string | null;
}

/**
 * First statement of every batch: a share lock on the build row. Batches of several partitions
 * share it; a state change (stop, fail) or the switch that retires the build takes it exclusively,
 * so it waits for batches in flight and they see the new state afterwards. No row: retired.
 */
export async function lockBuild(
  client: PoolClient,
  name: string,
  generation: number,
): Promise<LockedBuild | null> {
  const { rows } = await client.query<LockedBuild>(
    `SELECT state, version, table_name, target_position
       FROM projections.builds
      WHERE name = $1 AND generation = $2
        FOR SHARE`,
    [name, generation],
  );
  return rows[0] ?? null;
}
