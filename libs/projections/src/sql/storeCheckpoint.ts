import type { PoolClient } from 'pg';

/**
 * The set half of the compare-and-set: the row is locked by lockCheckpoint in this transaction,
 * so no other writer can have moved it since the compare.
 */
export async function storeCheckpoint(
  client: PoolClient,
  name: string,
  generation: number,
  partition: string,
  checkpoint: { cursor: string; position: string; lastRecordedAt: Date },
): Promise<void> {
  await client.query(
    `UPDATE projections.checkpoints
        SET source_cursor = $4, applied_position = $5, last_recorded_at = $6, moved_at = now()
      WHERE name = $1 AND generation = $2 AND source_partition = $3`,
    [
      name,
      generation,
      partition,
      checkpoint.cursor,
      checkpoint.position,
      checkpoint.lastRecordedAt,
    ],
  );
}
