import type { ChurnBand, ChurnReason, RfmScore, RfSegment } from '@touchline/analytics';
import type { Pool } from 'pg';
import type { CustomerChurnRiskView } from '../churn/churn-model.view';

/** A customer's RFM as the profile shows it. */
export interface CustomerRfmView {
  recency: number;
  frequency: number;
  monetary: number;
  r: RfmScore;
  f: RfmScore;
  m: RfmScore;
  segment: RfSegment;
  asOf: string;
}

export interface CustomerScores {
  rfm: CustomerRfmView | null;
  churnRisk: CustomerChurnRiskView | null;
}

export const NO_SCORES: CustomerScores = { rfm: null, churnRisk: null };

/**
 * The snapshots' rows of these customers, one round trip (primary-key lookups). A customer
 * without a purchase as of a snapshot has no row in it: null.
 */
export async function readCustomerScores(
  pool: Pool,
  customerIds: readonly string[],
): Promise<Map<string, CustomerScores>> {
  if (customerIds.length === 0) return new Map();
  const { rows } = await pool.query<{
    id: string;
    recency_days: number | null;
    frequency: number | null;
    monetary: string | null;
    r: number | null;
    f: number | null;
    m: number | null;
    segment: string | null;
    rfm_as_of: Date | null;
    score: number | null;
    band: string | null;
    reasons: ChurnReason[] | null;
    p_alive: number | null;
    expected_purchases_90d: number | null;
    expected_order_value: number | null;
    clv_12m: number | null;
    value_at_risk: number | null;
    churn_as_of: Date | null;
  }>(
    // The headers as scalar subqueries (one row each): joined, their row estimates made the
    // planner expect millions of rows and pay for JIT compilation on a primary-key lookup.
    `SELECT ids.id, s.recency_days, s.frequency, s.monetary::text AS monetary, s.r, s.f, s.m,
            s.segment, (SELECT as_of FROM read_models.rfm_snapshot) AS rfm_as_of, c.score, c.band,
            c.reasons, c.p_alive, c.expected_purchases_90d, c.expected_order_value, c.clv_12m,
            c.value_at_risk, (SELECT as_of FROM read_models.churn_model) AS churn_as_of
       FROM unnest($1::text[]) AS ids(id)
       LEFT JOIN read_models.rfm_scores s ON s.customer_id = ids.id
       LEFT JOIN read_models.churn_scores c ON c.customer_id = ids.id`,
    [customerIds],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        rfm:
          row.segment === null || row.rfm_as_of === null
            ? null
            : {
                recency: row.recency_days!,
                frequency: row.frequency!,
                monetary: Number(row.monetary),
                r: row.r as RfmScore,
                f: row.f as RfmScore,
                m: row.m as RfmScore,
                segment: row.segment as RfSegment,
                asOf: row.rfm_as_of.toISOString(),
              },
        churnRisk:
          row.band === null || row.churn_as_of === null
            ? null
            : {
                score: row.score!,
                band: row.band as ChurnBand,
                pAlive: row.p_alive!,
                expectedPurchases90d: row.expected_purchases_90d,
                expectedOrderValue: row.expected_order_value,
                clv12m: row.clv_12m,
                valueAtRisk: row.value_at_risk!,
                reasons: row.reasons ?? [],
                asOf: row.churn_as_of.toISOString(),
              },
      },
    ]),
  );
}
