/**
 * Purchase histories → the (x, t_x, T, monetary) summary the customer-base models consume, with
 * the same rules as lifetimes' `summary_data_from_transaction_data(freq='D')`:
 *
 * - Time is cut into UTC calendar days. Purchases on the same day are one purchase occasion: they
 *   count once towards frequency and their amounts are summed into one order value. The models
 *   describe the timing of purchase occasions, and a basket split over two payments on one day is
 *   one visit, not two.
 * - A customer is born on the day of their first purchase; that occasion is not a repeat purchase.
 * - x is the number of later days with a purchase, t_x the days from birth to the last of them
 *   (0 when x = 0), T the days from birth to the day of `asOf`.
 * - monetary is the mean value of the repeat occasions (first day excluded), 0 when x = 0. This is
 *   what the Gamma-Gamma model is fitted on.
 *
 * One deliberate difference: lifetimes truncates on floored dates, so it keeps a purchase made
 * later on the `asOf` day than `asOf` itself. Here anything after the `asOf` instant is ignored,
 * because a refit "as of" an instant must not see touchpoints that had not happened yet.
 */

export interface Purchase {
  customerId: string;
  at: Date;
  amount: number;
}

export interface CustomerSummary {
  customerId: string;
  /** Repeat purchase occasions (days with a purchase after the first one). */
  x: number;
  /** Days from the first purchase to the last repeat purchase; 0 when x = 0. */
  t_x: number;
  /** Days from the first purchase to the day of asOf. */
  T: number;
  /** Mean value of the repeat occasions; 0 when x = 0. */
  monetary: number;
}

export type SummaryUnit = 'day';

const MS_PER_DAY = 86_400_000;

/** Summaries sorted by customer id. Customers with no purchase at or before asOf are absent. */
export function summarize(
  purchases: readonly Purchase[],
  asOf: Date,
  unit: SummaryUnit = 'day',
): CustomerSummary[] {
  if (unit !== 'day') throw new RangeError(`unsupported time unit: ${String(unit)}`);
  const asOfMs = asOf.getTime();
  if (Number.isNaN(asOfMs)) throw new RangeError('asOf is not a valid date');
  const asOfDay = Math.floor(asOfMs / MS_PER_DAY);

  const byCustomer = new Map<string, Map<number, number>>();
  for (const purchase of purchases) {
    const ms = purchase.at.getTime();
    if (Number.isNaN(ms)) {
      throw new RangeError(`purchase of customer ${purchase.customerId} has an invalid date`);
    }
    if (!Number.isFinite(purchase.amount)) {
      throw new RangeError(`purchase of customer ${purchase.customerId} has a non-finite amount`);
    }
    if (ms > asOfMs) continue;
    const day = Math.floor(ms / MS_PER_DAY);
    let days = byCustomer.get(purchase.customerId);
    if (!days) {
      days = new Map();
      byCustomer.set(purchase.customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + purchase.amount);
  }

  const summaries: CustomerSummary[] = [];
  for (const [customerId, days] of byCustomer) {
    let first = Infinity;
    let last = -Infinity;
    for (const day of days.keys()) {
      if (day < first) first = day;
      if (day > last) last = day;
    }
    const x = days.size - 1;
    let repeatTotal = 0;
    for (const [day, amount] of days) if (day !== first) repeatTotal += amount;
    summaries.push({
      customerId,
      x,
      t_x: last - first,
      T: asOfDay - first,
      monetary: x > 0 ? repeatTotal / x : 0,
    });
  }
  summaries.sort((p, q) =>
    p.customerId < q.customerId ? -1 : p.customerId > q.customerId ? 1 : 0,
  );
  return summaries;
}
