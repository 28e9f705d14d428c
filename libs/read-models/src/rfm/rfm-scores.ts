import { quintileScores, rfSegment, type RfmScore, type RfSegment } from '@touchline/analytics';

/** One customer's RFM inputs as the SQL aggregation returns them (see sql/readRfmInputs). */
export interface RfmInput {
  customerId: string;
  lastPurchaseAt: Date;
  /** Whole days from the last purchase (at any time up to asOf) to asOf. */
  recencyDays: number;
  /** Purchases within the window. */
  frequency: number;
  /** Purchases − refunds within the window, rounded to 1e-6. */
  monetary: number;
}

export interface RfmRow extends RfmInput {
  r: RfmScore;
  f: RfmScore;
  m: RfmScore;
  segment: RfSegment;
}

/**
 * Scores aggregated inputs with analytics' rules: 1–5 mid-rank quintiles across every customer
 * given (ties share a score whatever the input order), recency on −days, and the RF segment map.
 * This is analytics' computeRfm after its aggregation step, which the database does here.
 */
export function scoreRfm(inputs: readonly RfmInput[]): RfmRow[] {
  const r = quintileScores(inputs.map((i) => -i.recencyDays));
  const f = quintileScores(inputs.map((i) => i.frequency));
  const m = quintileScores(inputs.map((i) => i.monetary));
  return inputs.map((input, i) => ({
    ...input,
    r: r[i]!,
    f: f[i]!,
    m: m[i]!,
    segment: rfSegment(r[i]!, f[i]!),
  }));
}
