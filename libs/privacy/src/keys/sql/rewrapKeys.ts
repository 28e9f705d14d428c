import type { Pool, PoolClient } from 'pg';
import type { KeyRow } from './liveKey';

/** Live keys not wrapped by the active master key, locked for this transaction, in id order. */
export async function lockKeysToRewrap(
  client: PoolClient,
  activeMasterKeyId: string,
  limit: number,
): Promise<KeyRow[]> {
  const { rows } = await client.query<KeyRow>(
    `SELECT key_id::text, subject, wrapped_key, master_key_id
       FROM privacy.customer_keys
      WHERE destroyed_at IS NULL AND master_key_id <> $1
      ORDER BY key_id
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
    [activeMasterKeyId, limit],
  );
  return rows;
}

export async function storeRewrapped(
  client: PoolClient,
  rows: readonly { keyId: string; wrapped: Buffer }[],
  masterKeyId: string,
): Promise<void> {
  await client.query(
    `UPDATE privacy.customer_keys k
        SET wrapped_key = u.wrapped, master_key_id = $3, rewrapped_at = now()
       FROM unnest($1::uuid[], $2::bytea[]) AS u(id, wrapped)
      WHERE k.key_id = u.id AND k.destroyed_at IS NULL`,
    [rows.map((r) => r.keyId), rows.map((r) => r.wrapped), masterKeyId],
  );
}

/** Live keys per master key id. */
export async function countLiveKeysByMaster(pool: Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ master_key_id: string; n: string }>(
    `SELECT master_key_id, count(*) AS n FROM privacy.customer_keys
      WHERE destroyed_at IS NULL GROUP BY master_key_id ORDER BY master_key_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.master_key_id, Number(r.n)]));
}
