import type { Pool } from 'pg';

/** The stored cursor of a partition; null when nothing was applied from it. */
export async function readCursor(
  pool: Pool,
  name: string,
  generation: number,
  partition: string,
): Promise<string | null> {
  const { rows } = await pool.query<{ source_cursor: string | null }>(
    `SELECT source_cursor FROM projections.checkpoints
      WHERE name = $1 AND generation = $2 AND source_partition = $3`,
    [name, generation, partition],
  );
  return rows[0]?.source_cursor ?? null;
}
