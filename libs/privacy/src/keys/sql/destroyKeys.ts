import type { Pool } from 'pg';

/**
 * Crypto-shredding: the key material of the subjects' live keys is overwritten with NULL; the rows
 * stay as tombstones. Returns the ids destroyed now (none when they were destroyed before).
 */
export async function destroyKeys(pool: Pool, subjects: readonly string[]): Promise<string[]> {
  const { rows } = await pool.query<{ key_id: string }>(
    `UPDATE privacy.customer_keys
        SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now()
      WHERE subject = ANY($1::text[]) AND destroyed_at IS NULL
      RETURNING key_id::text`,
    [subjects],
  );
  return rows.map((r) => r.key_id);
}

/** How many keys the subjects ever had, live or destroyed. */
export async function countKeys(pool: Pool, subjects: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM privacy.customer_keys WHERE subject = ANY($1::text[])`,
    [subjects],
  );
  return Number(rows[0]!.n);
}
