import type { TierThresholds } from '@touchline/config';
import type { Pool } from 'pg';

/** The thresholds the analytics views use for `tier`: this process's configuration. */
export async function storeTierThresholds(pool: Pool, thresholds: TierThresholds): Promise<void> {
  await pool.query(
    `UPDATE analytics.tier_thresholds SET vip_spend = $1, key_spend = $2, updated_at = now()
      WHERE vip_spend IS DISTINCT FROM $1::numeric OR key_spend IS DISTINCT FROM $2::numeric`,
    [thresholds.vipSpend, thresholds.keySpend],
  );
}
