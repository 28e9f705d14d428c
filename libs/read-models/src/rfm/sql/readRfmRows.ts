import type { Pool, PoolClient } from 'pg';
import type { RfmScore, RfSegment } from '@touchline/analytics';

export interface StoredRfm {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: RfmScore;
  f: RfmScore;
  m: RfmScore;
  segment: RfSegment;
  lastPurchaseAt: string;
  /** monetary as stored (numeric as text), for cursors that compare exactly. */
  monetaryText: string;
}

type Row = {
  customer_id: string;
  recency_days: number;
  frequency: number;
  monetary_text: string;
  r: number;
  f: number;
  m: number;
  segment: string;
  last_purchase_at: Date;
};

// monetary travels as text (exact for cursors) under another name: ORDER BY must see the numeric.
const SELECT = `SELECT customer_id, recency_days, frequency, monetary::text AS monetary_text, r, f, m,
                       segment, last_purchase_at FROM read_models.rfm_scores`;

function toStored(r: Row): StoredRfm {
  return {
    customerId: r.customer_id,
    recencyDays: r.recency_days,
    frequency: r.frequency,
    monetary: Number(r.monetary_text),
    r: r.r as RfmScore,
    f: r.f as RfmScore,
    m: r.m as RfmScore,
    segment: r.segment as RfSegment,
    lastPurchaseAt: r.last_purchase_at.toISOString(),
    monetaryText: r.monetary_text,
  };
}

/** A keyset page by (monetary desc, customer id), optionally of one segment. */
export async function listRfmRows(
  db: Pool | PoolClient,
  query: {
    segment: RfSegment | null;
    after: { monetary: string; customerId: string } | null;
    limit: number;
  },
): Promise<StoredRfm[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.segment !== null) {
    params.push(query.segment);
    where.push(`segment = $${params.length}`);
  }
  if (query.after !== null) {
    params.push(query.after.monetary, query.after.customerId);
    const m = `$${params.length - 1}::numeric`;
    const k = `$${params.length}`;
    where.push(`monetary <= ${m} AND (monetary < ${m} OR customer_id > ${k})`);
  }
  params.push(query.limit);
  const { rows } = await db.query<Row>(
    `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY monetary DESC, customer_id ASC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toStored);
}
