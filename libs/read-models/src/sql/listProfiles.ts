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
] as const;
export type ProfileSortField = (typeof PROFILE_SORT_FIELDS)[number];

/**
 * The SQL of each sort field. The seen-at fields are ISO-8601 UTC text of one fixed format, which
 * sorts as the instants do, and match the expression of the engine's index on lastSeenAt.
 */
const SORT_SQL: Record<ProfileSortField, { expr: string; type: 'text' | 'numeric' }> = {
  lastSeenAt: { expr: `data #>> '{lastSeenAt}'`, type: 'text' },
  firstSeenAt: { expr: `data #>> '{firstSeenAt}'`, type: 'text' },
  netSpend: { expr: `(data->>'netSpend')::numeric`, type: 'numeric' },
  orders: { expr: `(data->>'orders')::numeric`, type: 'numeric' },
  customerId: { expr: 'key', type: 'text' },
};

export interface ListProfilesQuery {
  tier: Tier | null;
  lifecycle: LifecycleStage | null;
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
  if (query.tier !== null) {
    where.push(
      `analytics.customer_tier((data->>'netSpend')::numeric, (data->>'orders')::integer, ${param(
        query.thresholds.vipSpend,
      )}::numeric, ${param(query.thresholds.keySpend)}::numeric) = ${param(query.tier)}`,
    );
  }
  if (query.lifecycle !== null) {
    where.push(
      `analytics.lifecycle_stage((data->>'orders')::integer, (data->>'lastPurchaseAt')::timestamptz,
         (data->>'lastSeenAt')::timestamptz, ${param(query.asOf.toISOString())}::timestamptz) = ${param(query.lifecycle)}`,
    );
  }
  if (query.after !== null) {
    const value = `${param(query.after.value)}::${type}`;
    const key = param(query.after.key);
    // The first comparison alone is what an index on the sort expression can use.
    where.push(`${expr} ${query.descending ? '<=' : '>='} ${value}`);
    where.push(`(${expr}, key) ${query.descending ? '<' : '>'} (${value}, ${key})`);
  }
  const direction = query.descending ? 'DESC' : 'ASC';
  const { rows } = await pool.query<{ key: string; sort_value: string; data: CustomerProfileRow }>(
    `SELECT key, (${expr})::text AS sort_value, data
       FROM projections.customer_profile
      WHERE ${where.join(' AND ')}
      ORDER BY ${expr} ${direction}, key ${direction}
      LIMIT ${param(query.limit)}`,
    params,
  );
  // Sort values travel as text, so that a numeric cursor compares exactly as it was read.
  return rows.map((r) => ({ key: r.key, sortValue: r.sort_value, data: r.data }));
}
