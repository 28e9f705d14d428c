import type { Pool, PoolClient } from 'pg';

/**
 * One snapshot job at a time across every process on the database: a session-level advisory
 * lock held on the connection that does the job's reads and its writing transaction (one
 * connection, so an embedded database with a pool of one never waits on itself). PostgreSQL
 * releases it if the process dies. Taking it assigns no transaction id, so holding it while
 * computing does not hold back the event store's readers (only a writing transaction would).
 */
export async function withJobLock<T>(
  pool: Pool,
  job: string,
  mode: 'wait' | 'skip',
  work: (client: PoolClient) => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const client = await pool.connect();
  let locked = false;
  try {
    if (mode === 'wait') {
      await client.query(`SELECT pg_advisory_lock(hashtext('touchline.snapshots'), hashtext($1))`, [
        job,
      ]);
      locked = true;
    } else {
      const { rows } = await client.query<{ acquired: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext('touchline.snapshots'), hashtext($1)) AS acquired`,
        [job],
      );
      locked = rows[0]!.acquired;
      if (!locked) return { ran: false };
    }
    // The jobs' queries expand every profile's id lists (jsonb_array_elements, estimated at 100
    // rows each), so their estimated cost is orders of magnitude above the real one and crosses
    // jit_above_cost: compiling them then took several times longer than running them (EXPLAIN
    // ANALYZE in bench:analytics). Off for this connection while it does the job.
    await client.query('SET jit = off');
    return { ran: true, value: await work(client) };
  } finally {
    if (locked) {
      await client.query('RESET jit').catch(() => undefined);
      await client
        .query(`SELECT pg_advisory_unlock(hashtext('touchline.snapshots'), hashtext($1))`, [job])
        .catch(() => undefined);
    }
    client.release();
  }
}

/** Runs `write` in one transaction on the job's connection; rolls back on any failure. */
export async function inTransaction<T>(client: PoolClient, write: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const value = await write();
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Inserts rows column-wise with unnest, in chunks (one statement per chunk). */
export async function insertColumns(
  client: PoolClient,
  table: string,
  columns: ReadonlyArray<{ name: string; type: string }>,
  rows: number,
  valueOf: (column: number, row: number) => unknown,
  chunk = 10_000,
): Promise<void> {
  const list = columns.map((c) => c.name).join(', ');
  const unnest = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    const params = columns.map((_, c) => {
      const values: unknown[] = new Array(end - start);
      for (let r = start; r < end; r++) values[r - start] = valueOf(c, r);
      return values;
    });
    await client.query(`INSERT INTO ${table} (${list}) SELECT * FROM unnest(${unnest})`, params);
  }
}
