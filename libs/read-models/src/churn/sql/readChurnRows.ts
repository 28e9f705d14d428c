import type { ChurnBand } from '@touchline/analytics';
import type { Pool, PoolClient } from 'pg';
import type { ChurnScoreRow } from '../churn-scores';

export type StoredChurnRisk = ChurnScoreRow & {
  /** value_at_risk as stored, for cursors that compare exactly. */
  valueAtRiskText: string;
};

type Row = {
  customer_id: string;
  score: number;
  band: ChurnBand;
  reasons: ChurnScoreRow['reasons'];
  p_alive: number;
  expected_purchases_90d: number | null;
  expected_order_value: number | null;
  clv_12m: number | null;
  value_at_risk: number;
  value_at_risk_text: string;
  repeat_purchases: number;
  recency_days: number;
  age_days: number;
};

const SELECT = `SELECT customer_id, score, band, reasons, p_alive, expected_purchases_90d,
                       expected_order_value, clv_12m, value_at_risk,
                       value_at_risk::text AS value_at_risk_text, repeat_purchases, recency_days,
                       age_days
                  FROM read_models.churn_scores`;

function toStored(r: Row): StoredChurnRisk {
  return {
    customerId: r.customer_id,
    score: r.score,
    band: r.band,
    reasons: r.reasons,
    pAlive: r.p_alive,
    expectedPurchases90d: r.expected_purchases_90d,
    expectedOrderValue: r.expected_order_value,
    clv12m: r.clv_12m,
    valueAtRisk: r.value_at_risk,
    valueAtRiskText: r.value_at_risk_text,
    repeatPurchases: r.repeat_purchases,
    recencyDays: r.recency_days,
    ageDays: r.age_days,
  };
}

/** A keyset page by (value at risk desc, customer id), optionally of one band. */
export async function listChurnRows(
  db: Pool | PoolClient,
  query: {
    band: ChurnBand | null;
    after: { valueAtRisk: string; customerId: string } | null;
    limit: number;
  },
): Promise<StoredChurnRisk[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.band !== null) {
    params.push(query.band);
    where.push(`band = $${params.length}`);
  }
  if (query.after !== null) {
    params.push(query.after.valueAtRisk, query.after.customerId);
    const v = `$${params.length - 1}::double precision`;
    const k = `$${params.length}`;
    where.push(`value_at_risk <= ${v} AND (value_at_risk < ${v} OR customer_id > ${k})`);
  }
  params.push(query.limit);
  const { rows } = await db.query<Row>(
    `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY value_at_risk DESC, customer_id ASC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toStored);
}
