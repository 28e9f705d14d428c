import type { Pool } from 'pg';
import type { TierLookup } from './tier-lookup.port';

/**
 * Tiers from the read models' stable SQL view analytics.customer_profiles (net spend and orders
 * against the configured thresholds, computed when read). Through SQL rather than the read-models
 * library, so that the read models (the churn refit) can raise alerts without a dependency cycle.
 * Before the read models have created the view, the query fails and the timer retries next time.
 * A customer merged into another one (or an earlier id of another one) has the tier of the
 * customer its events count for (`canonical_id`, read-models migration 4).
 */
export class SqlTierLookup implements TierLookup {
  constructor(private readonly pool: Pool) {}

  async tiersOf(customerIds: readonly string[]): Promise<Map<string, string>> {
    if (customerIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ customer_id: string; tier: string }>(
      `SELECT p.customer_id, c.tier
         FROM analytics.customer_profiles p
         JOIN analytics.customer_profiles c ON c.customer_id = p.canonical_id
        WHERE p.customer_id = ANY($1::text[])`,
      [customerIds],
    );
    return new Map(rows.map((r) => [r.customer_id, r.tier]));
  }
}
