import type { Pool, PoolClient } from 'pg';
import type { FailedEvent } from './builds';

/**
 * The 'stop' policy: in the transaction that stored the checkpoint just before the poison event.
 * Also a source record that is not an event (what it claims to be), or a source that cannot go on
 * (records gone: no event).
 */
export async function markBuildFailed(
  client: PoolClient,
  name: string,
  generation: number,
  reason: string,
  event: FailedEvent | null,
): Promise<void> {
  await client.query(
    `UPDATE projections.builds
        SET state = 'failed', last_error = $3, last_error_at = now(), failed_event = $4
      WHERE name = $1 AND generation = $2`,
    [
      name,
      generation,
      reason,
      event && {
        eventId: event.eventId,
        type: event.type,
        streamId: event.streamId,
        revision: event.revision,
        position: event.position,
      },
    ],
  );
}

/** A transient failure (connection, lock timeout), shown by status until the next one. */
export async function recordBuildError(
  pool: Pool,
  name: string,
  generation: number,
  message: string,
): Promise<void> {
  await pool.query(
    `UPDATE projections.builds SET last_error = $3, last_error_at = now() WHERE name = $1 AND generation = $2`,
    [name, generation, message],
  );
}

/**
 * Operator stop/resume of every build of a projection; resuming a failed build retries its poison
 * event. The rows are locked newest generation first, the order the switch takes them in (rebuild,
 * then live), so that the two cannot deadlock.
 */
export async function setProjectionState(
  client: PoolClient,
  name: string,
  state: 'running' | 'stopped',
): Promise<number> {
  await client.query(
    `SELECT 1 FROM projections.builds WHERE name = $1 ORDER BY generation DESC FOR UPDATE`,
    [name],
  );
  const { rowCount } = await client.query(
    `UPDATE projections.builds
        SET state = $2, failed_event = CASE WHEN $2 = 'running' THEN NULL ELSE failed_event END
      WHERE name = $1 AND state <> $2`,
    [name, state],
  );
  return rowCount ?? 0;
}
