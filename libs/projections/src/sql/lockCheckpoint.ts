import type { PoolClient } from 'pg';

export interface CheckpointRow {
  source_partition: string;
  source_cursor: string | null;
  applied_position: string | null;
}

/**
 * Locks the partition's checkpoint row (creating it on the partition's first batch). The lock is
 * the compare half of the compare-and-set: a second runner's batch waits here until the first
 * one committed, then reads the cursor that one wrote and rolls back.
 */
export async function lockCheckpoint(
  client: PoolClient,
  name: string,
  generation: number,
  partition: string,
): Promise<CheckpointRow> {
  const select = () =>
    client.query<CheckpointRow>(
      `SELECT source_partition, source_cursor, applied_position
         FROM projections.checkpoints
        WHERE name = $1 AND generation = $2 AND source_partition = $3
          FOR UPDATE`,
      [name, generation, partition],
    );
  let { rows } = await select();
  if (rows.length === 0) {
    await client.query(
      `INSERT INTO projections.checkpoints (name, generation, source_partition) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [name, generation, partition],
    );
    ({ rows } = await select());
  }
  return rows[0]!;
}

/** Every partition of a build, locked (the switch compares them all). */
export async function lockBuildCheckpoints(
  client: PoolClient,
  name: string,
  generation: number,
): Promise<CheckpointRow[]> {
  const { rows } = await client.query<CheckpointRow>(
    `SELECT source_partition, source_cursor, applied_position
       FROM projections.checkpoints
      WHERE name = $1 AND generation = $2
      ORDER BY source_partition
        FOR UPDATE`,
    [name, generation],
  );
  return rows;
}
