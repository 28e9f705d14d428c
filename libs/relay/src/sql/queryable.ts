import type { QueryResult, QueryResultRow } from 'pg';

/** A pool, a client, or the leader's lock connection: whatever a statement should run on. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}
