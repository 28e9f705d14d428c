/**
 * Customer lifetime value as lifetimes' `GammaGammaFitter.customer_lifetime_value` computes it:
 * month by month, the BG/NBD expected purchases in that month (a difference of cumulative
 * conditional expectations) times the Gamma-Gamma expected order value, discounted at a monthly
 * rate to the end of each month. A "month" is `timeUnitsPerMonth` units of the BG/NBD time unit:
 * 30 for days, as lifetimes' freq='D' does.
 */
import { bgnbdConditionalExpectedPurchases, type BgNbdParams, type RepeatHistory } from './bgnbd';
import { gammaGammaConditionalExpectedValue, type GammaGammaParams } from './gamma-gamma';

export interface ClvOptions {
  /** Horizon in months. Default 12. */
  months?: number;
  /** Discount rate per month. Default 0.01 (≈ 12.7% a year). */
  monthlyDiscountRate?: number;
  /** BG/NBD time units in a month. Default 30 (days). */
  timeUnitsPerMonth?: number;
}

export interface ClvInput extends RepeatHistory {
  /** Mean value of the repeat purchases (0 when x = 0). */
  monetary: number;
}

/** Discounted expected value over the horizon; null when the expected order value is undefined. */
export function customerLifetimeValue(
  purchases: BgNbdParams,
  spend: GammaGammaParams,
  customer: ClvInput,
  options: ClvOptions = {},
): number | null {
  const months = options.months ?? 12;
  const rate = options.monthlyDiscountRate ?? 0.01;
  const unitsPerMonth = options.timeUnitsPerMonth ?? 30;
  if (!Number.isInteger(months) || months < 0)
    throw new RangeError(`months must be a non-negative integer`);
  if (!(rate > -1)) throw new RangeError(`monthlyDiscountRate must be > −1 (got ${rate})`);
  if (!(unitsPerMonth > 0)) throw new RangeError(`timeUnitsPerMonth must be > 0`);

  const orderValue = gammaGammaConditionalExpectedValue(spend, customer.x, customer.monetary);
  if (orderValue === null) return null;
  let value = 0;
  let cumulativeBefore = 0;
  for (let month = 1; month <= months; month++) {
    const cumulative = bgnbdConditionalExpectedPurchases(
      purchases,
      month * unitsPerMonth,
      customer,
    );
    value += (orderValue * (cumulative - cumulativeBefore)) / Math.pow(1 + rate, month);
    cumulativeBefore = cumulative;
  }
  return value;
}
