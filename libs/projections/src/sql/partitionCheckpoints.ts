import type { PoolClient } from 'pg';

/**
 * Moves a partition's checkpoint without rows: the source knows that nothing for this build lies
 * between the stored cursor and `cursor`, and that everything up to store position `position`
 * routed to the partition is applied (Kafka: the consumer reached the partition's end after the
 * relay had published up to `position`). The row is locked by lockCheckpoint in this transaction.
 */
export async function advanceCheckpoint(
  client: PoolClient,
  name: string,
  generation: number,
  partition: string,
  checkpoint: { cursor: string | null; position: string | null },
): Promise<void> {
  await client.query(
    `UPDATE projections.checkpoints
        SET source_cursor = $4, applied_position = $5, moved_at = now()
      WHERE name = $1 AND generation = $2 AND source_partition = $3`,
    [name, generation, partition, checkpoint.cursor, checkpoint.position],
  );
}

/**
 * Makes `partitions` the build's partitions: creates the missing rows (no cursor: read from the
 * partition's start) at position `seed`, and deletes the others (the '$all' row a rebuild left
 * behind when its live build then runs on Kafka). Returns how many rows were created and deleted.
 */
export async function setPartitions(
  client: PoolClient,
  name: string,
  generation: number,
  partitions: readonly string[],
  seed: string | null,
): Promise<{ created: number; deleted: number }> {
  const created = await client.query(
    `INSERT INTO projections.checkpoints (name, generation, source_partition, applied_position)
     SELECT $1, $2, p, $4 FROM unnest($3::text[]) AS p
     ON CONFLICT DO NOTHING`,
    [name, generation, [...partitions], seed],
  );
  const deleted = await client.query(
    `DELETE FROM projections.checkpoints
      WHERE name = $1 AND generation = $2 AND NOT (source_partition = ANY ($3::text[]))`,
    [name, generation, [...partitions]],
  );
  return { created: created.rowCount ?? 0, deleted: deleted.rowCount ?? 0 };
}
