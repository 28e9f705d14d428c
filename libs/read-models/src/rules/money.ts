/**
 * Amounts carry at most 4 decimals (docs/events.md). Sums are rounded back to 4 decimals after
 * every step so that binary floating point never drifts into the stored totals (0.1 + 0.2).
 */
export function addAmounts(a: number, b: number): number {
  return Math.round((a + b) * 10_000) / 10_000;
}
