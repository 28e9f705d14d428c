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
  constructor(private readonly pool: Pool) {}

  async backlog(after: Checkpoint | null): Promise<Backlog> {
    const { tx, position } = decode(after);
    const { rows } = await this.pool.query<{ events: string; oldest: Date | null }>(
      `SELECT (SELECT count(*) FROM touchline.events
                WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)) AS events,
              (SELECT recorded_at FROM touchline.events
                WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
                ORDER BY transaction_id, global_position
                LIMIT 1) AS oldest`,
      [tx, position],
    );
    return { events: Number(rows[0]!.events), oldestRecordedAt: rows[0]!.oldest };
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
