/**
 * A journey's emotion curve and its peak-end summary, and the period-over-period trend used by the
 * churn signals.
 */

export interface SentimentPoint {
  at: Date;
  /** −1..1 */
  sentiment: number;
}

/**
 * Points in time order (ties keep their input order), without the ones with no sentiment.
 * The curve is the sequence itself, not a smoothed version: the peak-end rule is about the moments
 * as experienced, and smoothing would blunt exactly the peaks it looks for.
 */
export function emotionCurve<P extends { at: Date; sentiment: number | null }>(
  points: readonly P[],
): Array<P & SentimentPoint> {
  return points
    .filter((p): p is P & SentimentPoint => p.sentiment !== null && Number.isFinite(p.sentiment))
    .map((p, i) => ({ p, i }))
    .sort((u, v) => u.p.at.getTime() - v.p.at.getTime() || u.i - v.i)
    .map(({ p }) => p);
}

export interface PeakEndSummary<P extends SentimentPoint> {
  mostNegative: P | null;
  mostPositive: P | null;
  /** The last moment of the journey. */
  end: P | null;
  /**
   * Mean of the most negative, the most positive and the end sentiment: the "their mean".
   * Kahneman's peak-end rule remembers an experience by its most intense moments and its end; with
   * both a low and a high peak in a journey, both count. A moment that is both a peak and the end
   * counts in both roles, as in the rule.
   */
  peakEndMean: number | null;
}

/**
 * Peak-end summary of a journey (moments without a sentiment are skipped). On ties the earliest moment is the peak: the first time a
 * customer felt that bad (or good) is the one that set the memory. Null fields for an empty
 * journey. Only the extremes are reported, so in an all-positive journey "most negative" is simply
 * the least positive moment.
 */
export function peakEnd<P extends { at: Date; sentiment: number | null }>(
  points: readonly P[],
): PeakEndSummary<P & SentimentPoint> {
  const curve = emotionCurve(points);
  if (curve.length === 0)
    return { mostNegative: null, mostPositive: null, end: null, peakEndMean: null };
  let mostNegative = curve[0];
  let mostPositive = curve[0];
  for (const p of curve) {
    if (p.sentiment < mostNegative.sentiment) mostNegative = p;
    if (p.sentiment > mostPositive.sentiment) mostPositive = p;
  }
  const end = curve[curve.length - 1];
  return {
    mostNegative,
    mostPositive,
    end,
    peakEndMean: (mostNegative.sentiment + mostPositive.sentiment + end.sentiment) / 3,
  };
}

export interface ValuePoint {
  at: Date;
  value: number;
}

export interface PeriodTrend {
  /** Mean over the window before the recent one, (asOf − 2·window, asOf − window]. */
  previous: number | null;
  /** Mean over the recent window, (asOf − window, asOf]. */
  recent: number | null;
  /** recent − previous; null unless both windows have points. */
  change: number | null;
}

const MS_PER_DAY = 86_400_000;

/**
 * Mean of the last `windowDays` against the mean of the window before it: for "falling CSAT" and
 * "negative sentiment trend". Two window means rather than a regression slope: customers have few
 * answers, a slope through three points is noise, and "4.6 then 3.1" can be said in words.
 */
export function periodTrend(
  points: readonly ValuePoint[],
  asOf: Date,
  windowDays = 90,
): PeriodTrend {
  const end = asOf.getTime();
  const window = windowDays * MS_PER_DAY;
  let recentSum = 0;
  let recentN = 0;
  let previousSum = 0;
  let previousN = 0;
  for (const p of points) {
    const ms = p.at.getTime();
    if (ms > end || ms <= end - 2 * window) continue;
    if (ms > end - window) {
      recentSum += p.value;
      recentN++;
    } else {
      previousSum += p.value;
      previousN++;
    }
  }
  const recent = recentN > 0 ? recentSum / recentN : null;
  const previous = previousN > 0 ? previousSum / previousN : null;
  return {
    previous,
    recent,
    change: recent !== null && previous !== null ? recent - previous : null,
  };
}
