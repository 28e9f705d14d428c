import {
  createTestDatabase,
  describeWithPostgresServer,
  type TestDatabase,
} from '@touchline/testing';
import { commit, inTransaction, rollback } from './transaction';

describe('inTransaction', () => {
  let db: TestDatabase;
  const rows = async () =>
    (await db.pool.query<{ n: number }>('SELECT n FROM tx_spec ORDER BY n')).rows.map((r) => r.n);

  beforeAll(async () => {
    // One connection, as in the embedded profile: whatever a transaction leaves behind, the next
    // user of the pool gets it.
    db = await createTestDatabase({ poolSize: 1 });
    await db.pool.query('CREATE TABLE tx_spec (n integer PRIMARY KEY)');
  });
  afterAll(async () => {
    await db?.destroy();
  });
  beforeEach(async () => {
    await db.pool.query('TRUNCATE tx_spec');
  });

  it('commits when the work says commit, and returns its value', async () => {
    const value = await inTransaction(db.pool, async (client) => {
      await client.query('INSERT INTO tx_spec VALUES (1)');
      return commit('done');
    });
    expect(value).toBe('done');
    expect(await rows()).toEqual([1]);
  });

  it('rolls back when the work says so, and still returns its value', async () => {
    const value = await inTransaction(db.pool, async (client) => {
      await client.query('INSERT INTO tx_spec VALUES (2)');
      return rollback({ refused: true });
    });
    expect(value).toEqual({ refused: true });
    expect(await rows()).toEqual([]);
  });

  it('rolls back when the work throws, and hands the connection back usable', async () => {
    const failure = inTransaction(db.pool, async (client) => {
      await client.query('INSERT INTO tx_spec VALUES (3)');
      await client.query('INSERT INTO tx_spec VALUES (3)'); // duplicate key: the transaction aborts
      return commit(undefined);
    });
    await expect(failure).rejects.toMatchObject({ code: '23505' });
    expect(db.pool.totalCount).toBe(1);
    // Not left inside the aborted transaction: the same connection answers and writes.
    await db.pool.query('INSERT INTO tx_spec VALUES (4)');
    expect(await rows()).toEqual([4]);
  });

  describeWithPostgresServer('when the connection dies', () => {
    it('destroys it instead of handing it to the next user', async () => {
      const failure = inTransaction(db.pool, async (client) => {
        await client.query('INSERT INTO tx_spec VALUES (5)');
        await client.query('SELECT pg_terminate_backend(pg_backend_pid())');
        return commit(undefined);
      });
      await expect(failure).rejects.toMatchObject({ code: '57P01' });
      expect(db.pool.totalCount).toBe(0);
      await expect(
        inTransaction(db.pool, async (client) => {
          await client.query('INSERT INTO tx_spec VALUES (6)');
          return commit(undefined);
        }),
      ).resolves.toBeUndefined();
      expect(await rows()).toEqual([6]);
    });
  });
});
