import type { SurveyKind } from '@touchline/analytics';
import type { Pool } from 'pg';
import { countedForCustomer, streamOwnerJoin } from './counted-for.sql';

/** What an answer is counted under when no customer it counts for is known. */
export const NO_CUSTOMER = 'unknown';
/** The segment of a customer the current RFM snapshot does not score (no purchase in its window). */
export const UNSCORED = 'unscored';

export interface CustomerAnswerCountRow {
  day: string;
  channel: string;
  /** As countSurveyAnswersByTouchpointType; null unless asked for. */
  touchpointType: string | null;
  /** The current tier of the customer the answer counts for; 'unknown' for an unclaimed visitor. */
  tier: string;
  /** Their RF segment in the current RFM snapshot; 'unscored' without one, 'unknown' as above. */
  segment: string;
  score: number;
  n: number;
}

/**
 * Survey answers from the timeline (the survey_at index picks the window's answers), each
 * resolved to the customer it counts for and counted per day, channel, that customer's current
 * tier and RF segment, (optionally) the type of the touchpoint answered about, and score.
 *
 * The customer an answer counts for is the one the profile counts it for (countedForCustomer,
 * shared with the RFM and churn inputs): a merged duplicate's or an earlier id's answer counts for
 * the survivor, an anonymous visitor's for the customer who claimed the visitor last, an unclaimed
 * visitor's for no one. Tier is computed when read from that customer's profile
 * (analytics.customer_tier and the stored thresholds), the segment read from the snapshot: both
 * by primary key, per distinct customer.
 */
export async function countSurveyAnswersByCustomer(
  pool: Pool,
  kind: SurveyKind,
  fromDay: string,
  toDay: string,
  channel: string | null,
  withTouchpointType: boolean,
): Promise<CustomerAnswerCountRow[]> {
  const type = withTouchpointType
    ? `CASE WHEN a.data #>> '{survey,touchpointRef}' IS NULL THEN 'unspecified'
            ELSE coalesce(t.data->>'type', 'unknown') END`
    : 'NULL::text';
  const typeJoin = withTouchpointType
    ? `LEFT JOIN projections.customer_timeline t
              ON t.data #>> '{eventId}' = a.data #>> '{survey,touchpointRef}'`
    : '';
  // JIT off for this query: compiling costs a sizeable share of a query that runs in
  // milliseconds, and the planner's estimates for its jsonb expressions can pass jit_above_cost.
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query('SET LOCAL jit = off');
    const { rows } = await client.query<CustomerAnswerCountRow>(
      `WITH answers AS MATERIALIZED (
       SELECT left(a.data #>> '{survey,at}', 10)       AS day,
              a.data->>'channel'                        AS channel,
              ${type}                                   AS touchpoint_type,
              (a.data #>> '{survey,score}')::integer    AS score,
              a.data->>'streamId'                       AS stream_id
         FROM projections.customer_timeline a ${typeJoin}
        WHERE a.data #>> '{survey,at}' >= $2 AND a.data #>> '{survey,at}' < $3
          AND a.data #>> '{survey,kind}' = $1
          AND ($4::text IS NULL OR a.data->>'channel' = $4)
     ),
     resolved AS (
       SELECT x.day, x.channel, x.touchpoint_type, x.score,
              ${countedForCustomer('x.stream_id', 'o')} AS canonical_id
         FROM answers x
         ${streamOwnerJoin('x.stream_id', 'o')}
     ),
     customers AS (
       SELECT r.canonical_id,
              analytics.customer_tier((p.data->>'netSpend')::numeric, (p.data->>'orders')::integer,
                                      th.vip_spend, th.key_spend) AS tier,
              s.segment
         FROM (SELECT DISTINCT canonical_id FROM resolved WHERE canonical_id IS NOT NULL) r
         LEFT JOIN projections.customer_profile p ON p.key = r.canonical_id
         LEFT JOIN analytics.tier_thresholds th ON true
         LEFT JOIN read_models.rfm_scores s ON s.customer_id = r.canonical_id
     )
     SELECT r.day, r.channel, r.touchpoint_type AS "touchpointType",
            CASE WHEN r.canonical_id IS NULL THEN $5 ELSE coalesce(c.tier, $5) END AS tier,
            CASE WHEN r.canonical_id IS NULL THEN $5 ELSE coalesce(c.segment, $6) END AS segment,
            r.score, count(*)::integer AS n
       FROM resolved r
       LEFT JOIN customers c ON c.canonical_id = r.canonical_id
      GROUP BY 1, 2, 3, 4, 5, 6`,
      [kind, `${fromDay}T00:00:00.000Z`, `${toDay}T00:00:00.000Z`, channel, NO_CUSTOMER, UNSCORED],
    );
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
