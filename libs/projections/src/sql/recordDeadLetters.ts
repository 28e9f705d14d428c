import type { PoolClient } from 'pg';
import type { FailedEvent } from './builds';

/**
 * In the batch's transaction; a redelivered poison event is recorded once. A poison event, or a
 * source record that is not one (what it claims to be).
 */
export async function recordDeadLetters(
  client: PoolClient,
  build: { name: string; version: number; generation: number },
  deadLetters: readonly { event: FailedEvent; reason: string }[],
): Promise<void> {
  if (deadLetters.length === 0) return;
  await client.query(
    `INSERT INTO projections.dead_letters
       (projection, version, generation, event_id, event_type, stream_id, stream_revision, position, reason)
     SELECT $1, $2, $3, u.* FROM unnest($4::uuid[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[])
         AS u(event_id, event_type, stream_id, stream_revision, position, reason)
     ON CONFLICT (projection, generation, event_id) DO NOTHING`,
    [
      build.name,
      build.version,
      build.generation,
      deadLetters.map((d) => d.event.eventId),
      deadLetters.map((d) => d.event.type),
      deadLetters.map((d) => d.event.streamId),
      deadLetters.map((d) => d.event.revision),
      deadLetters.map((d) => d.event.position),
      deadLetters.map((d) => d.reason),
    ],
  );
}
