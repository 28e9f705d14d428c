import type { TierThresholds } from '@touchline/config';

export const TIERS = ['vip', 'key', 'regular', 'prospect'] as const;
export type Tier = (typeof TIERS)[number];

/**
 * Tier from lifetime net spend (purchases − refunds), thresholds from configuration
 * (TOUCHLINE_TIER_VIP_SPEND, TOUCHLINE_TIER_KEY_SPEND). Computed when read, never stored: a
 * threshold change then applies at once, and projections stay independent of configuration (two
 * processes with different settings would otherwise write different rows for the same events).
 * The SQL twin is analytics.customer_tier (migration 0001); a test holds them equal.
 */
export function customerTier(
  customer: { orders: number; netSpend: number },
  thresholds: TierThresholds,
): Tier {
  if (customer.orders === 0) return 'prospect';
  if (customer.netSpend >= thresholds.vipSpend) return 'vip';
  if (customer.netSpend >= thresholds.keySpend) return 'key';
  return 'regular';
}
