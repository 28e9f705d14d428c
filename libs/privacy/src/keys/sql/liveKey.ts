import type { Pool } from 'pg';

export interface KeyRow {
  key_id: string;
  subject: string;
  wrapped_key: Buffer | null;
  master_key_id: string | null;
}

/** The subject's live key, or undefined. */
export async function readLiveKey(pool: Pool, subject: string): Promise<KeyRow | undefined> {
  const { rows } = await pool.query<KeyRow>(
    `SELECT key_id::text, subject, wrapped_key, master_key_id
       FROM privacy.customer_keys WHERE subject = $1 AND destroyed_at IS NULL`,
    [subject],
  );
  return rows[0];
}

/** Inserts a live key unless the subject has one already (a concurrent writer won): then undefined. */
export async function insertLiveKey(pool: Pool, row: KeyRow): Promise<KeyRow | undefined> {
  const { rows } = await pool.query<KeyRow>(
    `INSERT INTO privacy.customer_keys (key_id, subject, wrapped_key, master_key_id)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (subject) WHERE destroyed_at IS NULL DO NOTHING
     RETURNING key_id::text, subject, wrapped_key, master_key_id`,
    [row.key_id, row.subject, row.wrapped_key, row.master_key_id],
  );
  return rows[0];
}

/** Any key by id, live (wrapped_key set) or destroyed (NULL); undefined when never created. */
export async function readKey(pool: Pool, keyId: string): Promise<KeyRow | undefined> {
  const { rows } = await pool.query<KeyRow>(
    `SELECT key_id::text, subject, wrapped_key, master_key_id
       FROM privacy.customer_keys WHERE key_id = $1`,
    [keyId],
  );
  return rows[0];
}

/** Any keys by id (see readKey) in one query; ids never created are absent. */
export async function readKeys(pool: Pool, keyIds: readonly string[]): Promise<KeyRow[]> {
  const { rows } = await pool.query<KeyRow>(
    `SELECT key_id::text, subject, wrapped_key, master_key_id
       FROM privacy.customer_keys WHERE key_id = ANY ($1::uuid[])`,
    [keyIds],
  );
  return rows;
}

/** The live keys of many subjects in one query. */
export async function readLiveKeys(pool: Pool, subjects: readonly string[]): Promise<KeyRow[]> {
  const { rows } = await pool.query<KeyRow>(
    `SELECT key_id::text, subject, wrapped_key, master_key_id
       FROM privacy.customer_keys WHERE subject = ANY($1::text[]) AND destroyed_at IS NULL`,
    [subjects],
  );
  return rows;
}

/** insertLiveKey for many subjects in one statement; returns the rows inserted. */
export async function insertLiveKeys(pool: Pool, rows: readonly KeyRow[]): Promise<KeyRow[]> {
  const { rows: inserted } = await pool.query<KeyRow>(
    `INSERT INTO privacy.customer_keys (key_id, subject, wrapped_key, master_key_id)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::text[])
     ON CONFLICT (subject) WHERE destroyed_at IS NULL DO NOTHING
     RETURNING key_id::text, subject, wrapped_key, master_key_id`,
    [
      rows.map((r) => r.key_id),
      rows.map((r) => r.subject),
      rows.map((r) => r.wrapped_key),
      rows.map((r) => r.master_key_id),
    ],
  );
  return inserted;
}
