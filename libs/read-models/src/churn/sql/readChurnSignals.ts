import type { ChurnSignals } from '@touchline/analytics';
import type { PoolClient } from 'pg';
import {
  ownedTouchpointsCte,
  TIMELINE_TYPE,
  timelineOccurredAfter,
} from '../../snapshots/owned-touchpoints.sql';

/** The experience half of churn risk, per customer, as of asOf. */
export type ExperienceSignals = Omit<ChurnSignals, 'pAlive'>;

/**
 * From the timeline as of asOf, so that a refit as of a date sees exactly what had happened by
 * then (the profile row is "now"): detractor answers (NPS 0–6) in the last 90 days; complaints
 * whose latest opened/reopened/resolved event (by occurredAt, then revision) is not a resolution;
 * the mean CSAT and the mean sentiment of (asOf − 90d, asOf] and of the 90 days before, the
 * windows of analytics' periodTrend. Only customers with at least one signal are returned.
 */
export async function readChurnSignals(
  client: PoolClient,
  asOf: Date,
): Promise<Map<string, ExperienceSignals>> {
  const { rows } = await client.query<{
    customer_id: string;
    detractors: number;
    unresolved: number;
    csat_recent: number | null;
    csat_previous: number | null;
    sentiment_recent: number | null;
    sentiment_previous: number | null;
  }>(
    // Only what a signal can use: the last 180 days, and complaint events of any age.
    `WITH ${ownedTouchpointsCte(
      1,
      undefined,
      // Both sides are index conditions on the timeline (a bitmap OR), not a scan of every row.
      `${TIMELINE_TYPE} IN ('complaint.opened', 'complaint.reopened', 'complaint.resolved')
       OR ${timelineOccurredAfter(`$1::timestamptz - interval '4320 hours'`)}`,
    )},
     windowed AS (
       SELECT customer_id, type, row,
              at > $1::timestamptz - interval '2160 hours'  AS recent,
              at > $1::timestamptz - interval '4320 hours' AS in_trend
         FROM owned WHERE customer_id IS NOT NULL
     ),
     experience AS (
       SELECT customer_id,
              (count(*) FILTER (WHERE recent AND row#>>'{survey,kind}' = 'nps'
                                 AND (row#>>'{survey,score}')::integer <= 6))::integer AS detractors,
              avg((row#>>'{survey,score}')::double precision)
                FILTER (WHERE recent AND row#>>'{survey,kind}' = 'csat')                AS csat_recent,
              avg((row#>>'{survey,score}')::double precision)
                FILTER (WHERE in_trend AND NOT recent AND row#>>'{survey,kind}' = 'csat') AS csat_previous,
              avg((row->>'sentiment')::double precision)
                FILTER (WHERE recent AND row->>'sentiment' IS NOT NULL)                 AS sentiment_recent,
              avg((row->>'sentiment')::double precision)
                FILTER (WHERE in_trend AND NOT recent AND row->>'sentiment' IS NOT NULL) AS sentiment_previous
         FROM windowed
        WHERE in_trend
        GROUP BY customer_id
     ),
     complaint_states AS (
       SELECT DISTINCT ON (customer_id, row#>>'{data,complaintId}') customer_id, type
         FROM owned
        WHERE customer_id IS NOT NULL
          AND type IN ('complaint.opened', 'complaint.reopened', 'complaint.resolved')
        ORDER BY customer_id, row#>>'{data,complaintId}', at DESC, (row->>'revision')::bigint DESC
     ),
     unresolved AS (
       SELECT customer_id, count(*)::integer AS unresolved
         FROM complaint_states WHERE type <> 'complaint.resolved' GROUP BY customer_id
     )
     SELECT coalesce(e.customer_id, u.customer_id) AS customer_id,
            coalesce(e.detractors, 0) AS detractors, coalesce(u.unresolved, 0) AS unresolved,
            e.csat_recent, e.csat_previous, e.sentiment_recent, e.sentiment_previous
       FROM experience e FULL JOIN unresolved u ON u.customer_id = e.customer_id`,
    [asOf.toISOString()],
  );
  return new Map(
    rows.map((r) => [
      r.customer_id,
      {
        detractorAnswersLast90Days: r.detractors,
        unresolvedComplaints: r.unresolved,
        csat: { recent: r.csat_recent, previous: r.csat_previous },
        sentiment: { recent: r.sentiment_recent, previous: r.sentiment_previous },
      },
    ]),
  );
}
