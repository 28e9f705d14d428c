import type { Checkpoint } from '@touchline/event-store';
import type { Queryable } from './queryable';

export interface Backlog {
  /** Committed events after the checkpoint, those behind a still-open transaction included. */
  events: number;
  /** When the store recorded the oldest of them; null when there are none. */
  oldestRecordedAt: Date | null;
}

/**
 * PostgreSQL event store only: reads touchline.events directly, relying on two facts of that
 * adapter: the global log is ordered by (transaction_id, global_position), and its checkpoint is
 * written "<transaction_id>-<global_position>". Unlike readAll it does not stop at the oldest open
 * transaction: events a reader cannot pass yet are lag, and must show as lag.
 */
export async function countBacklog(db: Queryable, after: Checkpoint | null): Promise<Backlog> {
  const [transactionId, position] = decode(after);
  const { rows } = await db.query<{ events: string; oldest: Date | null }>(
    `SELECT count(*)::text AS events, min(recorded_at) AS oldest
       FROM touchline.events
      WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)`,
    [transactionId, position],
  );
  return { events: Number(rows[0]!.events), oldestRecordedAt: rows[0]!.oldest };
}

function decode(checkpoint: Checkpoint | null): [string, string] {
  if (checkpoint === null) return ['0', '0'];
  const match = /^(\d+)-(\d+)$/.exec(checkpoint);
  if (!match) throw new TypeError(`Not a PostgreSQL event store checkpoint: "${checkpoint}"`);
  return [match[1]!, match[2]!];
}
