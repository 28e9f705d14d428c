import type { Pool } from 'pg';
import type { ReadStreamOptions, RecordedEvent } from '../../event-store.port';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-row';

export async function readStream(
  pool: Pool,
  streamId: string,
  { fromRevision = 0, toRevision, asOf }: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  const { rows } = await pool.query<EventRow>(
    `SELECT ${EVENT_COLUMNS}
       FROM touchline.events
      WHERE stream_id = $1
        AND stream_revision >= $2
        AND ($3::bigint IS NULL OR stream_revision <= $3)
        AND ($4::timestamptz IS NULL OR recorded_at <= $4)
      ORDER BY stream_revision`,
    [streamId, fromRevision, toRevision ?? null, asOf ?? null],
  );
  return rows.map(toRecordedEvent);
}
