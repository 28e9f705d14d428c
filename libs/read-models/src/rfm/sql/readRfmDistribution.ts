import type { Pool, PoolClient } from 'pg';

/** Customers per (R, F, M) cell of the snapshot: every distribution is a sum of these. */
export async function readRfmCells(
  db: Pool | PoolClient,
): Promise<{ r: number; f: number; m: number; customers: number }[]> {
  const { rows } = await db.query<{ r: number; f: number; m: number; customers: number }>(
    `SELECT r, f, m, count(*)::integer AS customers FROM read_models.rfm_scores GROUP BY r, f, m`,
  );
  return rows;
}
