import type { Pool } from 'pg';

/** When each of the keys was destroyed; live and unknown keys are left out. */
export async function readDestroyedAt(
  pool: Pool,
  keyIds: readonly string[],
): Promise<Map<string, Date>> {
  const { rows } = await pool.query<{ key_id: string; destroyed_at: Date }>(
    `SELECT key_id::text, destroyed_at
       FROM privacy.customer_keys
      WHERE key_id = ANY($1::uuid[]) AND destroyed_at IS NOT NULL`,
    [keyIds],
  );
  return new Map(rows.map((r) => [r.key_id, r.destroyed_at]));
}
