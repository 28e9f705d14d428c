import type { PoolClient } from 'pg';
import { ownedTouchpointsCte } from '../../snapshots/owned-touchpoints.sql';
import type { RfmInput } from '../rfm-scores';

/**
 * Per customer with a purchase at or before asOf: the last purchase (ever, up to asOf), the
 * purchases and net money (purchases − refunds, each by its own date) in (asOf − window, asOf].
 * The same rules as analytics' computeRfm: who is scored does not depend on the window, refunds
 * never count in frequency, a day is 24 hours.
 */
export async function readRfmInputs(
  client: PoolClient,
  asOf: Date,
  windowDays: number,
): Promise<RfmInput[]> {
  const { rows } = await client.query<{
    customer_id: string;
    last_purchase_at: Date;
    recency_days: number;
    frequency: number;
    monetary: string;
  }>(
    `WITH ${ownedTouchpointsCte(1, 3)},
     tx AS (
       SELECT customer_id, type, at, (row#>>'{data,amount}')::numeric AS amount,
              at > $1::timestamptz - make_interval(secs => $2::double precision * 86400) AS in_window
         FROM owned WHERE customer_id IS NOT NULL
     )
     SELECT customer_id,
            max(at) FILTER (WHERE type = 'purchase')                                     AS last_purchase_at,
            floor(extract(epoch FROM $1::timestamptz - max(at) FILTER (WHERE type = 'purchase')) / 86400)::integer
                                                                                         AS recency_days,
            (count(*) FILTER (WHERE type = 'purchase' AND in_window))::integer            AS frequency,
            round(coalesce(sum(CASE WHEN type = 'purchase' THEN amount ELSE -amount END)
                           FILTER (WHERE in_window), 0), 6)::text                        AS monetary
       FROM tx
      GROUP BY customer_id
     HAVING count(*) FILTER (WHERE type = 'purchase') > 0
      ORDER BY customer_id COLLATE "C"`,
    [asOf.toISOString(), windowDays, ['purchase', 'refund']],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    lastPurchaseAt: r.last_purchase_at,
    recencyDays: r.recency_days,
    frequency: r.frequency,
    monetary: Number(r.monetary) + 0,
  }));
}
