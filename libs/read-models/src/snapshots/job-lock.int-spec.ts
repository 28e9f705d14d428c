import {
  createTestDatabase,
  describeWithPostgresServer,
  type TestDatabase,
} from '@touchline/testing';
import { Client } from 'pg';
import { JobBusyError, withJobLock } from './job-lock';

const JOB = 'job-lock-spec';

/** Whether another session can take the job's lock now (and gives it back at once). */
async function lockIsFree(url: string): Promise<boolean> {
  const other = new Client({ connectionString: url });
  await other.connect();
  try {
    const { rows } = await other.query<{ free: boolean }>(
      `SELECT pg_try_advisory_lock(hashtext('touchline.snapshots'), hashtext($1)) AS free`,
      [JOB],
    );
    return rows[0]!.free;
  } finally {
    await other.end();
  }
}

// Two sessions contend for the lock: PGlite is one session, where an advisory lock never waits.
describeWithPostgresServer('withJobLock', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 1 });
  });
  afterAll(() => db?.destroy());

  it('runs the work under the lock and gives both back', async () => {
    const result = await withJobLock(db.pool, JOB, { mode: 'wait' }, async (client) => {
      expect(await lockIsFree(db.url)).toBe(false);
      return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
    });
    expect(result).toEqual({ ran: true, value: 1 });
    expect(await lockIsFree(db.url)).toBe(true);
    expect(db.pool.totalCount).toBe(1); // the connection went back to the pool
  });

  it('destroys a connection the work left unable to unlock, and with it the lock', async () => {
    const before = await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // An aborted transaction left behind: the unlock fails on it.
    await withJobLock(db.pool, JOB, { mode: 'wait' }, async (client) => {
      await client.query('BEGIN');
      await client.query('SELECT 1 / 0').catch(() => undefined);
    });
    expect(await lockIsFree(db.url)).toBe(true);
    // A pool of one: had the connection gone back, this query would fail on its aborted
    // transaction (and the lock would still be held by it).
    const after = await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(after.rows[0]!.pid).not.toBe(before.rows[0]!.pid);
  });

  it('unlocks after a failed work and keeps a healthy connection', async () => {
    const before = await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await expect(
      withJobLock(db.pool, JOB, { mode: 'wait' }, async () => {
        throw new Error('nothing to do');
      }),
    ).rejects.toThrow('nothing to do');
    expect(await lockIsFree(db.url)).toBe(true);
    const after = await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(after.rows[0]!.pid).toBe(before.rows[0]!.pid);
  });

  it('skips, or gives up waiting with JobBusyError, while another session holds the job', async () => {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('touchline.snapshots'), hashtext($1))`, [
        JOB,
      ]);
      let ran = false;
      const work = async () => {
        ran = true;
      };
      expect(await withJobLock(db.pool, JOB, { mode: 'skip' }, work)).toEqual({ ran: false });
      const error = await withJobLock(db.pool, JOB, { mode: 'wait', waitMs: 200 }, work).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(JobBusyError);
      expect((error as Error).message).toMatch(/under way .* did not finish within 0.2 s/);
      expect(ran).toBe(false);
      // The wait's lock_timeout does not stay on the pooled connection.
      const { rows } = await db.pool.query<{ t: string }>(
        `SELECT current_setting('lock_timeout') AS t`,
      );
      expect(rows[0]!.t).toBe('0');
    } finally {
      await holder.end();
    }
    // Once the holder is gone the wait succeeds.
    expect(
      await withJobLock(db.pool, JOB, { mode: 'wait', waitMs: 200 }, async () => 'done'),
    ).toEqual({ ran: true, value: 'done' });
  });
});
