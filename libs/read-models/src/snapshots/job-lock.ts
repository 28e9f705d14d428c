import type { Pool, PoolClient } from 'pg';

/** How long an on-demand run waits for a run under way elsewhere before it gives up. */
export const JOB_LOCK_WAIT_MS = 60_000;

/** An on-demand run could not run because of other runs (HTTP 409): nothing was written. */
export class JobBusyError extends Error {
  constructor(
    readonly job: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobBusyError';
  }
}

export interface JobLockOptions {
  /** 'wait' (on-demand runs): up to `waitMs`, then JobBusyError. 'skip' (scheduled): ran false. */
  mode: 'wait' | 'skip';
  /** Default JOB_LOCK_WAIT_MS. */
  waitMs?: number;
}

/**
 * One snapshot job at a time across every process on the database: a session-level advisory
 * lock held on the connection that does the job's reads and its writing transaction (one
 * connection, so an embedded database with a pool of one never waits on itself). PostgreSQL
 * releases it if the process dies. Taking it assigns no transaction id, so holding it while
 * reading does not hold back the event store's readers (only a writing transaction would).
 *
 * The connection goes back to the pool only when it is known to hold no lock: when unlocking
 * fails (a connection the work broke, or left in an aborted transaction, fails it too) or says the
 * lock was not held, or when taking the lock failed in an unknown state, the connection is
 * destroyed instead, which ends its session and with it the lock.
 */
export async function withJobLock<T>(
  pool: Pool,
  job: string,
  options: JobLockOptions,
  work: (client: PoolClient) => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const client = await pool.connect();
  let locked = false;
  let broken: Error | undefined;
  try {
    if (options.mode === 'wait') {
      locked = await waitForLock(client, job, options.waitMs ?? JOB_LOCK_WAIT_MS);
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
  } catch (error) {
    // Not locked: the lock was taken or not, unknown (a lost connection); JobBusyError: it was not.
    if (!locked && !(error instanceof JobBusyError)) broken = asError(error);
    throw error;
  } finally {
    if (locked) {
      try {
        await client.query('RESET jit');
        const { rows } = await client.query<{ unlocked: boolean }>(
          `SELECT pg_advisory_unlock(hashtext('touchline.snapshots'), hashtext($1)) AS unlocked`,
          [job],
        );
        if (!rows[0]?.unlocked) broken = new Error(`The ${job} job's lock was not held`);
      } catch (error) {
        broken = asError(error);
      }
    }
    // release(error) destroys the connection rather than pooling it.
    client.release(broken);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * pg_advisory_lock under a lock_timeout (so that an on-demand run cannot hang behind a stuck
 * one); the timeout is reset once the lock is held, so that it does not apply to the job.
 */
async function waitForLock(client: PoolClient, job: string, waitMs: number): Promise<true> {
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${Math.ceil(waitMs)}ms`]);
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('touchline.snapshots'), hashtext($1))`, [
      job,
    ]);
  } catch (error) {
    // 55P03 lock_not_available: the timeout ran out.
    if ((error as { code?: string }).code === '55P03') {
      throw new JobBusyError(
        job,
        `The ${job} job is under way in another request or process and did not finish within ` +
          `${waitMs / 1000} s: nothing was written; retry later`,
      );
    }
    throw error;
  } finally {
    await client.query('RESET lock_timeout');
  }
  return true;
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
