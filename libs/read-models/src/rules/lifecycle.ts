export const LIFECYCLE_STAGES = [
  'acquisition',
  'growth',
  'maturity',
  'decline',
  'churned',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/**
 * The thresholds of the lifecycle rules. They are also written into the SQL function
 * analytics.lifecycle_stage (migration 0001): changing one here needs a new migration there, and
 * the spec that compares both fails until it has one.
 */
export const LIFECYCLE_RULES = {
  /** A last purchase older than this (days) is a customer in decline. */
  activeDays: 180,
  /** A last purchase (or, without one, a last touchpoint) older than this (days): churned. */
  churnedAfterDays: 365,
  /** Orders from which an active customer is growing, and from which it is mature. */
  growthOrders: 2,
  maturityOrders: 5,
} as const;

const MS_PER_DAY = 86_400_000;

export interface LifecycleInput {
  orders: number;
  lastPurchaseAt: string | null;
  lastSeenAt: string | null;
}

/**
 * Recency first, then purchase count (docs/read-models.md has the table):
 * - no purchase yet: acquisition, or churned when the last touchpoint is older than 365 days;
 * - last purchase older than 365 days: churned; older than 180 days: decline;
 * - otherwise by orders: 5 or more maturity, 2–4 growth, 1 acquisition.
 * Depends on `asOf`, so it is computed when read (the SQL views use now()).
 */
export function lifecycleStage(customer: LifecycleInput, asOf: Date): LifecycleStage {
  const age = (iso: string) => (asOf.getTime() - Date.parse(iso)) / MS_PER_DAY;
  if (customer.orders === 0 || customer.lastPurchaseAt === null) {
    return customer.lastSeenAt !== null &&
      age(customer.lastSeenAt) > LIFECYCLE_RULES.churnedAfterDays
      ? 'churned'
      : 'acquisition';
  }
  const sincePurchase = age(customer.lastPurchaseAt);
  if (sincePurchase > LIFECYCLE_RULES.churnedAfterDays) return 'churned';
  if (sincePurchase > LIFECYCLE_RULES.activeDays) return 'decline';
  if (customer.orders >= LIFECYCLE_RULES.maturityOrders) return 'maturity';
  if (customer.orders >= LIFECYCLE_RULES.growthOrders) return 'growth';
  return 'acquisition';
}
