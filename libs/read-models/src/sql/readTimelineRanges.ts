import type { Pool } from 'pg';
import type { TimelineRow } from '../projections/customer-timeline.projection';

/** An open key range `(low, high)` of one stream's timeline rows. */
export interface KeyRange {
  low: string;
  high: string;
}

/**
 * Up to `limit` rows of each range, nearest the range's start in `direction`. One statement for
 * all the streams of a journey; each range is a scan of the primary key.
 */
export async function readTimelineRanges(
  pool: Pool,
  ranges: readonly KeyRange[],
  direction: 'asc' | 'desc',
  limit: number,
): Promise<{ key: string; data: TimelineRow }[]> {
  if (ranges.length === 0) return [];
  const order = direction === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await pool.query<{ key: string; data: TimelineRow }>(
    `SELECT page.key, page.data
       FROM unnest($1::text[], $2::text[]) AS r(low, high),
            LATERAL (SELECT t.key, t.data FROM projections.customer_timeline t
                      WHERE t.key > r.low AND t.key < r.high
                      ORDER BY t.key ${order}
                      LIMIT $3) AS page`,
    [ranges.map((r) => r.low), ranges.map((r) => r.high), limit],
  );
  return rows;
}
