import type { Checkpoint } from '@touchline/event-store';
import type { Pool } from 'pg';
import type { Backlog, LogStats } from './log-stats.port';

/**
 * LogStats for the PostgreSQL event store, reading touchline.events directly. It relies on two
 * facts of that adapter (libs/event-store/src/postgres): the log is ordered by
 * (transaction_id, global_position), and a checkpoint is written "<transaction_id>-<global_position>".
 *
 * The backlog counts every committed event after the checkpoint, also those behind a transaction
 * that is still open (readers cannot pass it yet). That is deliberate: a long open transaction
 * stalls every projection, and it must show as lag rather than as "caught up".
 */
export class PostgresLogStats implements LogStats {
  private readonly exactUpTo: number;

  /** `exactUpTo`: backlogs up to this many events are counted, larger ones estimated (10,000). */
  constructor(
    private readonly pool: Pool,
    options: { exactUpTo?: number } = {},
  ) {
    this.exactUpTo = options.exactUpTo ?? 10_000;
  }

  async backlog(after: Checkpoint | null): Promise<Backlog> {
    const { tx, position } = decode(after);
    // Counted exactly up to `exactUpTo` (a range scan of the log's index, bounded); a larger
    // backlog is estimated from global positions, because counting a million rows costs about half a
    // second of the database's CPU on every status call (health probes, metrics, a rebuild's progress).
    const { rows } = await this.pool.query<{
      counted: string;
      last_position: string | null;
      oldest: Date | null;
    }>(
      `SELECT (SELECT count(*) FROM (
                 SELECT 1 FROM touchline.events
                  WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
                  ORDER BY transaction_id, global_position
                  LIMIT $3) AS within) AS counted,
              (SELECT max(global_position) FROM touchline.events) AS last_position,
              (SELECT recorded_at FROM touchline.events
                WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
                ORDER BY transaction_id, global_position
                LIMIT 1) AS oldest`,
      [tx, position, this.exactUpTo + 1],
    );
    const counted = Number(rows[0]!.counted);
    const events =
      counted <= this.exactUpTo
        ? counted
        : // Positions are handed out one per appended event; the log's order (by transaction)
          // differs from theirs only among concurrent commits, and rolled-back appends leave gaps,
          // so this is an estimate that errs high by those gaps.
          Math.max(counted, Number(rows[0]!.last_position ?? 0) - Number(position));
    return { events, oldestRecordedAt: rows[0]!.oldest };
  }

  async head(): Promise<Checkpoint | null> {
    // The same visibility rule as the store's readAll: nothing at or beyond the oldest open transaction.
    const { rows } = await this.pool.query<{ checkpoint: string }>(
      `SELECT transaction_id::text || '-' || global_position AS checkpoint
         FROM touchline.events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id DESC, global_position DESC
        LIMIT 1`,
    );
    return rows[0]?.checkpoint ?? null;
  }

  async now(): Promise<Date> {
    const { rows } = await this.pool.query<{ now: Date }>('SELECT now() AS now');
    return rows[0]!.now;
  }
}

function decode(checkpoint: Checkpoint | null): { tx: string; position: string } {
  if (checkpoint === null) return { tx: '0', position: '0' };
  const match = /^(\d+)-(\d+)$/.exec(checkpoint);
  if (!match) throw new TypeError(`Not a PostgreSQL event store checkpoint: "${checkpoint}"`);
  return { tx: match[1]!, position: match[2]! };
}
