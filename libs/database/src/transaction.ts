import type { Pool, PoolClient } from 'pg';
import { isConnectionError } from './database';

/** What a transaction's work decided: commit or roll back, and the value to return either way. */
export interface TxResult<T> {
  commit: boolean;
  value: T;
}

export const commit = <T>(value: T): TxResult<T> => ({ commit: true, value });
export const rollback = <T>(value: T): TxResult<T> => ({ commit: false, value });

/**
 * One transaction on one pooled connection: committed or rolled back as `work` decides, rolled
 * back when it throws. The work must use only `client`: with a pool of one connection (the
 * embedded profile), anything asked of the pool meanwhile would wait forever. A connection that
 * failed (or could not even roll back) is destroyed rather than handed to the next user.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<TxResult<T>>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    let result: TxResult<T>;
    try {
      result = await work(client);
    } catch (error) {
      if (!isConnectionError(error)) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      }
      throw error;
    }
    await client.query(result.commit ? 'COMMIT' : 'ROLLBACK');
    return result.value;
  } catch (error) {
    if (isConnectionError(error)) broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}
