import type { Pool } from 'pg';
import type { ReadAllResult } from '../../event-store.port';
import { encodeCheckpoint, type PgCursor } from '../checkpoint';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-row';

/**
 * The gap-free read of the global log. Identity values are handed out when rows are inserted but
 * become visible when their transaction commits, so a slow transaction can commit position 10
 * after a fast one committed 11. Reading only transactions below the oldest one still running
 * (pg_snapshot_xmin) and ordering by (transaction_id, global_position) means no later commit can
 * ever land behind the cursor. An empty read leaves the checkpoint where it was.
 */
export async function readAll(pool: Pool, from: PgCursor, limit: number): Promise<ReadAllResult> {
  // ORDER BY names the table's columns: EVENT_COLUMNS outputs `transaction_id::text AS
  // transaction_id`, and an unqualified ORDER BY name means the output column first. Ordering by
  // that text would sort '10' before '9' (events skipped where transaction ids gain a digit) and
  // could not use the events_global_order index (every page a sort of the rest of the log).
  const { rows } = await pool.query<EventRow>(
    `SELECT ${EVENT_COLUMNS}
       FROM touchline.events
      WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
        AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY events.transaction_id, events.global_position
      LIMIT $3`,
    [from.transactionId.toString(), from.position.toString(), limit],
  );
  const events = rows.map(toRecordedEvent);
  const last = rows[rows.length - 1];
  return {
    events,
    checkpoint: last
      ? encodeCheckpoint(last.transaction_id, last.global_position)
      : from.transactionId === 0n && from.position === 0n
        ? null
        : encodeCheckpoint(from.transactionId, from.position),
  };
}
