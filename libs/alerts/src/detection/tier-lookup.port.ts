/** The customers' tiers now (vip, key, regular, prospect); a customer it does not know is absent. */
export interface TierLookup {
  tiersOf(customerIds: readonly string[]): Promise<Map<string, string>>;
}

export const TIER_LOOKUP = Symbol('TIER_LOOKUP');
