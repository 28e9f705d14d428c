import type { ChurnBand, RfSegment } from '@touchline/analytics';
import type { TierThresholds } from '@touchline/config';
import type { Pool } from 'pg';
import type { CustomerProfileRow } from '../projections/customer-profile.projection';
import type { LifecycleStage } from '../rules/lifecycle';
import type { Tier } from '../rules/tier';

export const PROFILE_SORT_FIELDS = [
  'lastSeenAt',
  'firstSeenAt',
  'netSpend',
  'orders',
  'customerId',
  'churnRisk',
  'clv',
  'valueAtRisk',
] as const;
export type ProfileSortField = (typeof PROFILE_SORT_FIELDS)[number];

/**
 * The SQL of each sort field. The seen-at fields are ISO-8601 UTC text of one fixed format, which
 * sorts as the instants do, and match the expression of the engine's index on lastSeenAt. The
 * churn fields come from the churn snapshot (`c`): customers it has not scored are left out.
 */
const SORT_SQL: Record<ProfileSortField, { expr: string; type: 'text' | 'numeric' }> = {
  lastSeenAt: { expr: `p.data #>> '{lastSeenAt}'`, type: 'text' },
  firstSeenAt: { expr: `p.data #>> '{firstSeenAt}'`, type: 'text' },
  netSpend: { expr: `(p.data->>'netSpend')::numeric`, type: 'numeric' },
  orders: { expr: `(p.data->>'orders')::numeric`, type: 'numeric' },
  customerId: { expr: 'p.key', type: 'text' },
  // The snapshot's own columns, so that its indexes on (column, customer_id) serve the sort.
  churnRisk: { expr: 'c.score', type: 'numeric' },
  clv: { expr: 'c.clv_12m', type: 'numeric' },
  valueAtRisk: { expr: 'c.value_at_risk', type: 'numeric' },
};

const CHURN_SORTS: readonly ProfileSortField[] = ['churnRisk', 'clv', 'valueAtRisk'];

export interface ListProfilesQuery {
  tier: Tier | null;
  lifecycle: LifecycleStage | null;
  /** The RFM snapshot's segment. */
  segment: RfSegment | null;
  /** The churn snapshot's band. */
  risk: ChurnBand | null;
  sort: ProfileSortField;
  descending: boolean;
  /** Continue after this (sort value, key). */
  after: { value: string; key: string } | null;
  limit: number;
  asOf: Date;
  thresholds: TierThresholds;
}

/**
 * A page of profiles by keyset: `(sort value, key)` after the cursor. Customers without a
 * touchpoint (only operations events) have no seen-at dates and are left out of those sorts.
 */
export async function listProfiles(
  pool: Pool,
  query: ListProfilesQuery,
): Promise<{ key: string; sortValue: string; data: CustomerProfileRow }[]> {
  const { expr, type } = SORT_SQL[query.sort];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [`${expr} IS NOT NULL`];
  // A duplicate merged into another customer keeps a pointer row that counts nothing: not listed.
  where.push(`coalesce(p.data->>'canonicalId', p.key) = p.key`);
  const joins: string[] = [];
  if (query.segment !== null) {
    joins.push('JOIN read_models.rfm_scores s ON s.customer_id = p.key');
    where.push(`s.segment = ${param(query.segment)}`);
  }
  if (query.risk !== null || CHURN_SORTS.includes(query.sort)) {
    joins.push('JOIN read_models.churn_scores c ON c.customer_id = p.key');
    if (query.risk !== null) where.push(`c.band = ${param(query.risk)}`);
  }
  if (query.tier !== null) {
    where.push(
      `analytics.customer_tier((p.data->>'netSpend')::numeric, (p.data->>'orders')::integer, ${param(
        query.thresholds.vipSpend,
      )}::numeric, ${param(query.thresholds.keySpend)}::numeric) = ${param(query.tier)}`,
    );
  }
  if (query.lifecycle !== null) {
    where.push(
      `analytics.lifecycle_stage((p.data->>'orders')::integer, (p.data->>'lastPurchaseAt')::timestamptz,
         (p.data->>'lastSeenAt')::timestamptz, ${param(query.asOf.toISOString())}::timestamptz) = ${param(query.lifecycle)}`,
    );
  }
  if (query.after !== null) {
    const value = `${param(query.after.value)}::${type}`;
    const key = param(query.after.key);
    // The first comparison alone is what an index on the sort expression can use.
    where.push(`${expr} ${query.descending ? '<=' : '>='} ${value}`);
    where.push(`(${expr}, p.key) ${query.descending ? '<' : '>'} (${value}, ${key})`);
  }
  const direction = query.descending ? 'DESC' : 'ASC';
  const { rows } = await pool.query<{ key: string; sort_value: string; data: CustomerProfileRow }>(
    `SELECT p.key, (${expr})::text AS sort_value, p.data
       FROM projections.customer_profile p ${joins.join(' ')}
      WHERE ${where.join(' AND ')}
      ORDER BY ${expr} ${direction}, p.key ${direction}
      LIMIT ${param(query.limit)}`,
    params,
  );
  // Sort values travel as text, so that a numeric cursor compares exactly as it was read.
  return rows.map((r) => ({ key: r.key, sortValue: r.sort_value, data: r.data }));
}
