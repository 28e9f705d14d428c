import type { PoolClient } from 'pg';
import { ownedTouchpointsCte } from '../../snapshots/owned-touchpoints.sql';

export interface PurchaseHistory {
  customerId: string;
  /** Repeat purchase days (days with a purchase after the first). */
  x: number;
  /** Days from the first purchase day to the last. */
  t_x: number;
  /** Days from the first purchase day to asOf's day. */
  T: number;
  /** Mean value of the repeat days' purchases; 0 when x = 0. */
  monetary: number;
}

const MS_PER_DAY = 86_400_000;

/**
 * analytics' `summarize` done by the database: purchases at or before asOf, by UTC day (one
 * occasion per day, amounts summed), per customer x, t_x and T in days and the mean value of the
 * repeat days. Purchases only: a refund does not undo the visit the models count.
 */
export async function readPurchaseHistories(
  client: PoolClient,
  asOf: Date,
): Promise<PurchaseHistory[]> {
  const asOfDay = Math.floor(asOf.getTime() / MS_PER_DAY);
  const { rows } = await client.query<{
    customer_id: string;
    x: number;
    t_x: number;
    age: number;
    repeat_total: string;
  }>(
    `WITH ${ownedTouchpointsCte(1, 2)},
     days AS (
       SELECT customer_id, floor(extract(epoch FROM at) / 86400)::integer AS day,
              sum((row#>>'{data,amount}')::numeric) AS amount
         FROM owned WHERE customer_id IS NOT NULL
        GROUP BY 1, 2
     ),
     firsts AS (
       SELECT customer_id, day, amount, min(day) OVER (PARTITION BY customer_id) AS first FROM days
     )
     SELECT customer_id,
            (count(*) - 1)::integer                                  AS x,
            (max(day) - min(first))::integer                         AS t_x,
            ($3::integer - min(first))::integer                      AS age,
            coalesce(sum(amount) FILTER (WHERE day > first), 0)::text AS repeat_total
       FROM firsts
      GROUP BY customer_id
      ORDER BY customer_id COLLATE "C"`,
    [asOf.toISOString(), ['purchase'], asOfDay],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    x: r.x,
    t_x: r.t_x,
    T: r.age,
    monetary: r.x > 0 ? Number(r.repeat_total) / r.x : 0,
  }));
}
