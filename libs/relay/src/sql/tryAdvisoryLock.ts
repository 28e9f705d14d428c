import type { Queryable } from './queryable';

/**
 * The relay's leader lock: a session-level advisory lock, so PostgreSQL itself releases it when
 * the holder's connection ends (crash, kill, network loss noticed by keepalives). The two-key
 * form lives in another key space than the single bigint keys the event store and the migration
 * runner lock, so no stream or migration can ever collide with a relay.
 */
export async function tryAdvisoryLock(session: Queryable, name: string): Promise<boolean> {
  const { rows } = await session.query<{ acquired: boolean }>(
    `SELECT pg_try_advisory_lock(hashtext('touchline.relay'), hashtext($1)) AS acquired`,
    [name],
  );
  return rows[0]!.acquired;
}
