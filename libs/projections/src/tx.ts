import { isConnectionError } from '@touchline/database';
import type { Pool, PoolClient } from 'pg';

export interface TxResult<T> {
  commit: boolean;
  value: T;
}

export const commit = <T>(value: T): TxResult<T> => ({ commit: true, value });
export const rollback = <T>(value: T): TxResult<T> => ({ commit: false, value });

/**
 * One transaction on one pooled connection. The work must use only `client`: with a pool of one
 * connection (the embedded profile), anything asked of the pool meanwhile would wait forever.
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
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      if (isConnectionError(error)) broken = error as Error;
      throw error;
    }
    await client.query(result.commit ? 'COMMIT' : 'ROLLBACK');
    return result.value;
  } catch (error) {
    if (isConnectionError(error)) broken = error as Error;
    throw error;
  } finally {
    // A broken connection is destroyed rather than handed to the next user.
    client.release(broken);
  }
}
