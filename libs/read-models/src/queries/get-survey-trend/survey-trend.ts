import {
  cesFromCounts,
  compareSurveyBuckets,
  csatFromCounts,
  npsFromCounts,
  type CesMetrics,
  type CsatMetrics,
  type MetricChange,
  type NpsMetrics,
  type ScoreCounts,
  type SurveyBucketMetrics,
  type SurveyKind,
} from '@touchline/analytics';
import {
  addDays,
  bucketStart,
  bucketStarts,
  formatDay,
  nextBucket,
  previousBucket,
  type Interval,
} from '../../rules/calendar';

/** Answers of one score on one day, in one group (null: not grouped). */
export interface ScoreCountEntry {
  day: string;
  group: string | null;
  score: number;
  n: number;
}

export type NpsPoint = NpsMetrics & { change: MetricChange };
export type CsatPoint = CsatMetrics & { change: { csat: MetricChange; mean: MetricChange } };
export type CesPoint = CesMetrics & { change: { mean: MetricChange } };
export type SurveyPoint = { start: string; end: string } & (NpsPoint | CsatPoint | CesPoint);

export interface SurveySeries {
  group: string | null;
  points: SurveyPoint[];
}

export interface TrendWindow {
  /** Whole buckets covering from..to; the bucket before the first is read for its change. */
  buckets: Date[];
  /** Days to read: [firstDay, endDay). */
  firstDay: string;
  endDay: string;
}

export function trendWindow(from: Date, to: Date, interval: Interval): TrendWindow {
  const buckets = bucketStarts(from, to, interval);
  return {
    buckets,
    firstDay: formatDay(previousBucket(buckets[0]!, interval)),
    endDay: formatDay(nextBucket(buckets[buckets.length - 1]!, interval)),
  };
}

const EMPTY: ScoreCounts = {};

function metricsOf(kind: SurveyKind, counts: ScoreCounts): SurveyBucketMetrics {
  return {
    nps: npsFromCounts(kind === 'nps' ? counts : EMPTY),
    csat: csatFromCounts(kind === 'csat' ? counts : EMPTY),
    ces: cesFromCounts(kind === 'ces' ? counts : EMPTY),
  };
}

function pointOf(
  kind: SurveyKind,
  current: SurveyBucketMetrics,
  previous: SurveyBucketMetrics,
): NpsPoint | CsatPoint | CesPoint {
  const change = compareSurveyBuckets(previous, current);
  switch (kind) {
    case 'nps':
      return { ...current.nps, change: change.nps };
    case 'csat':
      return { ...current.csat, change: { csat: change.csat, mean: change.csatMean } };
    case 'ces':
      return { ...current.ces, change: { mean: change.cesMean } };
  }
}

/**
 * Folds score counts into buckets and computes each bucket's metrics and its change from the
 * bucket before (the first bucket is compared with the one before the window). Every bucket of
 * the window appears, empty ones with n = 0 and null metrics. One series per group seen in the
 * data; without grouping exactly one series, group null.
 */
export function surveyTrend(
  kind: SurveyKind,
  entries: readonly ScoreCountEntry[],
  window: TrendWindow,
  interval: Interval,
  grouped: boolean,
): SurveySeries[] {
  const counts = new Map<string | null, Map<string, Record<number, number>>>();
  if (!grouped) counts.set(null, new Map());
  for (const entry of entries) {
    const group = grouped ? entry.group : null;
    const bucket = formatDay(bucketStart(new Date(`${entry.day}T00:00:00.000Z`), interval));
    let byBucket = counts.get(group);
    if (!byBucket) counts.set(group, (byBucket = new Map()));
    const histogram = byBucket.get(bucket) ?? {};
    histogram[entry.score] = (histogram[entry.score] ?? 0) + entry.n;
    byBucket.set(bucket, histogram);
  }
  const groups = [...counts.keys()].sort((a, b) => ((a ?? '') < (b ?? '') ? -1 : 1));
  return groups.map((group) => {
    const byBucket = counts.get(group)!;
    let previous = metricsOf(
      kind,
      byBucket.get(formatDay(previousBucket(window.buckets[0]!, interval))) ?? EMPTY,
    );
    const points = window.buckets.map((start) => {
      const current = metricsOf(kind, byBucket.get(formatDay(start)) ?? EMPTY);
      const point = pointOf(kind, current, previous);
      previous = current;
      return {
        start: formatDay(start),
        end: formatDay(addDays(nextBucket(start, interval), -1)),
        ...point,
      };
    });
    return { group, points };
  });
}
