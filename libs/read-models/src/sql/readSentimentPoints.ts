import type { Pool } from 'pg';
import type { KeyRange } from './readTimelineRanges';

export interface SentimentPointRow {
  key: string;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  occurredAt: string;
  sentiment: number;
  source: string;
}

/** Every timeline row with a sentiment in the ranges: the emotion curve, unordered across ranges. */
export async function readSentimentPoints(
  pool: Pool,
  ranges: readonly KeyRange[],
): Promise<SentimentPointRow[]> {
  if (ranges.length === 0) return [];
  const { rows } = await pool.query<SentimentPointRow>(
    `SELECT t.key,
            t.data->>'streamId' AS "streamId",
            (t.data->>'revision')::bigint::float8 AS revision,
            t.data->>'eventId' AS "eventId",
            t.data->>'type' AS type,
            t.data->>'occurredAt' AS "occurredAt",
            (t.data->>'sentiment')::float8 AS sentiment,
            t.data->>'sentimentSource' AS source
       FROM unnest($1::text[], $2::text[]) AS r(low, high)
       JOIN projections.customer_timeline t ON t.key > r.low AND t.key < r.high
      WHERE t.data->>'sentiment' IS NOT NULL`,
    [ranges.map((r) => r.low), ranges.map((r) => r.high)],
  );
  return rows;
}
