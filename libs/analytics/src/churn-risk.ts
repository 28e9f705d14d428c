/**
 * Churn risk: one 0–100 score from the purchase model and the customer's experience, a band, and
 * the reasons in words.
 *
 * Points (weights sum to 100, so the score needs no rescaling and each reason's share is visible):
 *
 * | signal                                   | points                                            |
 * |------------------------------------------|---------------------------------------------------|
 * | inactivity: 1 − P(alive) (BG/NBD)        | 50 × (1 − P(alive))                               |
 * | detractor answer (NPS 0–6), last 90 days | 15 if at least one                                |
 * | unresolved complaints                    | 10 for the first, 5 more for a second (cap 15)    |
 * | falling CSAT (recent vs previous window) | 10 × min(1, drop / 1 point on the 1–5 scale)       |
 * | negative sentiment trend                 | 10 × min(1, drop / 0.5 on the −1..1 scale)        |
 *
 * Half the weight is behavioural because P(alive) is the calibrated, validated part (it predicts
 * repurchase on held-out data); the experience half is what tells a service team why, and can be
 * acted on. A detractor answer weighs most among those as the strongest single stated signal; a
 * drop of a full CSAT point or half the sentiment range counts as fully "falling". Without a
 * purchase model (P(alive) null: no purchases yet) inactivity contributes 0 and the score rests
 * on experience alone.
 *
 * Bands on the rounded score: low 0–24, medium 25–49, high 50–74, critical 75–100. A customer
 * whom the model gives up for dead reaches high on inactivity alone (50); critical needs bad
 * experience on top, or a near-dead customer with a detractor answer (P(alive) ≤ 0.2 and 15
 * points).
 */
import type { PeriodTrend } from './sentiment-curve';

export interface ChurnSignals {
  /** BG/NBD P(alive) as of the scoring date; null when there is no model or no purchase. */
  pAlive: number | null;
  /** Detractor answers (NPS 0–6) in the last 90 days. */
  detractorAnswersLast90Days: number;
  unresolvedComplaints: number;
  /** Mean CSAT (1–5) in the recent window and the one before (see periodTrend). */
  csat?: Pick<PeriodTrend, 'previous' | 'recent'> | null;
  /** Mean sentiment (−1..1) in the recent window and the one before. */
  sentiment?: Pick<PeriodTrend, 'previous' | 'recent'> | null;
}

export type ChurnBand = 'low' | 'medium' | 'high' | 'critical';

export type ChurnReasonCode =
  'inactive' | 'detractor' | 'unresolved_complaints' | 'falling_csat' | 'negative_sentiment_trend';

export interface ChurnReason {
  code: ChurnReasonCode;
  /** Points this signal added to the score. */
  points: number;
  text: string;
}

export interface ChurnRisk {
  /** 0–100, integer. */
  score: number;
  band: ChurnBand;
  /** Contributing signals, largest first, at most `maxReasons`. */
  reasons: ChurnReason[];
}

export interface ChurnRiskOptions {
  /** Default 3. */
  maxReasons?: number;
  /** Signals adding fewer points are not named as reasons (they still count). Default 5. */
  minReasonPoints?: number;
}

export const CHURN_WEIGHTS = {
  inactivity: 50,
  detractor: 15,
  firstComplaint: 10,
  furtherComplaints: 5,
  fallingCsat: 10,
  negativeSentiment: 10,
} as const;

/** A CSAT drop of this many points (1–5 scale) counts fully. */
const FULL_CSAT_DROP = 1;
/** A sentiment drop of this much (−1..1 scale) counts fully. */
const FULL_SENTIMENT_DROP = 0.5;

export const CHURN_BANDS: ReadonlyArray<{ band: ChurnBand; minScore: number }> = [
  { band: 'critical', minScore: 75 },
  { band: 'high', minScore: 50 },
  { band: 'medium', minScore: 25 },
  { band: 'low', minScore: 0 },
];

export function churnRisk(signals: ChurnSignals, options: ChurnRiskOptions = {}): ChurnRisk {
  const maxReasons = options.maxReasons ?? 3;
  const minReasonPoints = options.minReasonPoints ?? 5;
  const candidates: ChurnReason[] = [];

  if (signals.pAlive !== null) {
    const pAlive = signals.pAlive;
    if (!(pAlive >= 0 && pAlive <= 1))
      throw new RangeError(`pAlive must be within 0..1 (got ${pAlive})`);
    candidates.push({
      code: 'inactive',
      points: CHURN_WEIGHTS.inactivity * (1 - pAlive),
      text: `${pAlive < 0.5 ? 'Likely inactive' : 'Activity fading'}: P(alive) ${pAlive.toFixed(2)}`,
    });
  }

  const detractors = checkCount('detractorAnswersLast90Days', signals.detractorAnswersLast90Days);
  if (detractors > 0) {
    candidates.push({
      code: 'detractor',
      points: CHURN_WEIGHTS.detractor,
      text:
        detractors === 1
          ? 'Detractor answer in the last 90 days'
          : `${detractors} detractor answers in the last 90 days`,
    });
  }

  const complaints = checkCount('unresolvedComplaints', signals.unresolvedComplaints);
  if (complaints > 0) {
    candidates.push({
      code: 'unresolved_complaints',
      points: CHURN_WEIGHTS.firstComplaint + (complaints > 1 ? CHURN_WEIGHTS.furtherComplaints : 0),
      text: complaints === 1 ? '1 unresolved complaint' : `${complaints} unresolved complaints`,
    });
  }

  const csat = falling(signals.csat);
  if (csat) {
    candidates.push({
      code: 'falling_csat',
      points: CHURN_WEIGHTS.fallingCsat * Math.min(1, csat.drop / FULL_CSAT_DROP),
      text: `CSAT falling: ${csat.previous.toFixed(1)} → ${csat.recent.toFixed(1)}`,
    });
  }

  const sentiment = falling(signals.sentiment);
  if (sentiment) {
    candidates.push({
      code: 'negative_sentiment_trend',
      points: CHURN_WEIGHTS.negativeSentiment * Math.min(1, sentiment.drop / FULL_SENTIMENT_DROP),
      text: `Sentiment worsening: ${sentiment.previous.toFixed(2)} → ${sentiment.recent.toFixed(2)}`,
    });
  }

  const total = candidates.reduce((sum, c) => sum + c.points, 0);
  const score = Math.min(100, Math.max(0, Math.round(total)));
  const band = (CHURN_BANDS.find((b) => score >= b.minScore) ?? CHURN_BANDS[CHURN_BANDS.length - 1])
    .band;
  // Stable sort: equal points keep the order above (behaviour first, then stated experience).
  const reasons = candidates
    .filter((c) => c.points >= minReasonPoints)
    .sort((u, v) => v.points - u.points)
    .slice(0, maxReasons)
    .map((c) => ({ ...c, points: Math.round(c.points * 10) / 10 }));
  return { score, band, reasons };
}

function falling(
  trend: Pick<PeriodTrend, 'previous' | 'recent'> | null | undefined,
): { previous: number; recent: number; drop: number } | null {
  if (!trend || trend.previous === null || trend.recent === null) return null;
  const d = trend.previous - trend.recent;
  return d > 0 ? { previous: trend.previous, recent: trend.recent, drop: d } : null;
}

function checkCount(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0)
    throw new RangeError(`${name} must be a non-negative integer (got ${v})`);
  return v;
}
