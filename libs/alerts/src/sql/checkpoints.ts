import type { Queryable } from './queryable';

/** Creates the checkpoint row once; `initial` is where a new detector starts (null: the beginning). */
export async function ensureCheckpoint(
  db: Queryable,
  name: string,
  initial: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO alerts.checkpoints (name, checkpoint) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
    [name, initial],
  );
}

export async function readCheckpoint(db: Queryable, name: string): Promise<string | null> {
  const { rows } = await db.query<{ checkpoint: string | null }>(
    'SELECT checkpoint FROM alerts.checkpoints WHERE name = $1',
    [name],
  );
  return rows[0]?.checkpoint ?? null;
}

/** Locks the row (in the caller's transaction) and returns the stored checkpoint. */
export async function lockCheckpoint(
  db: Queryable,
  name: string,
): Promise<{ checkpoint: string | null } | null> {
  const { rows } = await db.query<{ checkpoint: string | null }>(
    'SELECT checkpoint FROM alerts.checkpoints WHERE name = $1 FOR UPDATE',
    [name],
  );
  return rows[0] ?? null;
}

export async function storeCheckpoint(db: Queryable, name: string, checkpoint: string | null) {
  await db.query(
    'UPDATE alerts.checkpoints SET checkpoint = $2, updated_at = now() WHERE name = $1',
    [name, checkpoint],
  );
}
