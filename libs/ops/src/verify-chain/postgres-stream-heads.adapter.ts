import type { Pool } from 'pg';
import type { StreamHead, StreamHeads } from './stream-heads.port';

interface HeadRow {
  stream_id: string;
  revision: string;
  last_hash: Buffer;
}

const toHead = (row: HeadRow): StreamHead => ({
  streamId: row.stream_id,
  revision: Number(row.revision),
  lastHash: row.last_hash.toString('hex'),
});

/** StreamHeads for the PostgreSQL event store: touchline.streams, written by append_batch. */
export class PostgresStreamHeads implements StreamHeads {
  constructor(private readonly pool: Pool) {}

  async head(streamId: string): Promise<StreamHead | null> {
    const { rows } = await this.pool.query<HeadRow>(
      'SELECT stream_id, revision, last_hash FROM touchline.streams WHERE stream_id = $1',
      [streamId],
    );
    return rows[0] ? toHead(rows[0]) : null;
  }

  async list(after: string | null, limit: number): Promise<StreamHead[]> {
    // Keyset paging on the primary key: comparison and order share the column's collation.
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT stream_id, revision, last_hash FROM touchline.streams
        WHERE $1::text IS NULL OR stream_id > $1::text
        ORDER BY stream_id
        LIMIT $2`,
      [after, limit],
    );
    return rows.map(toHead);
  }

  async countEvents(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>(
      'SELECT count(*) AS count FROM touchline.events',
    );
    return Number(rows[0]!.count);
  }
}
