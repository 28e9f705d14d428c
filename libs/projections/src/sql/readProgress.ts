import type { Pool } from 'pg';

export interface PartitionProgress {
  name: string;
  generation: number;
  source_partition: string;
  applied_position: string | null;
  moved_at: Date | null;
  last_recorded_at: Date | null;
}

/** Checkpoints of builds; `liveOnly` restricts to what queries read (read-your-writes). */
export async function readProgress(
  pool: Pool,
  names: readonly string[] | null,
  liveOnly: boolean,
): Promise<PartitionProgress[]> {
  const { rows } = await pool.query<PartitionProgress>(
    `SELECT c.name, c.generation, c.source_partition, c.applied_position, c.moved_at, c.last_recorded_at
       FROM projections.checkpoints c
       JOIN projections.registry r ON r.name = c.name
      WHERE ($1::text[] IS NULL OR c.name = ANY ($1::text[]))
        AND (NOT $2 OR c.generation = r.live_generation)`,
    [names, liveOnly],
  );
  return rows;
}
