import { isConnectionError } from '@touchline/database';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';

/** A pool or a client in a transaction: whatever a statement should run on. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * One transaction on one pooled connection; `work` returns false to roll back. The work uses only
 * `client`: with a pool of one connection (the embedded profile) the pool would wait forever.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<{ commit: boolean; value: T }>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    let result: { commit: boolean; value: T };
    try {
      result = await work(client);
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
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
