import type { Pool, PoolClient } from 'pg';

/**
 * Runs `read` in one repeatable-read, read-only transaction: a snapshot's header and its rows are
 * read from the same database snapshot, never across a replace (which commits in one transaction).
 */
export async function readOneSnapshot<T>(
  pool: Pool,
  read: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const value = await read(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A page was asked for with a cursor of a snapshot that has been replaced since (HTTP 409): its
 * rows are not the rows the cursor continues, so the pages would mix two snapshots.
 */
export class SnapshotReplacedError extends Error {
  constructor(what: string, cursorSnapshot: string, current: string | null) {
    super(
      `The ${what} snapshot this cursor pages through (computed at ${cursorSnapshot}) has been ` +
        (current === null ? 'removed' : `replaced by the one computed at ${current}`) +
        ': start again from the first page',
    );
    this.name = 'SnapshotReplacedError';
  }
}
