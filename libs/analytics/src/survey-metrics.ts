/**
 * NPS, CSAT and CES over a bucket of survey answers, with standard errors, and the change from the
 * previous bucket with a significance flag.
 *
 * Every metric can be built from counts per score (`ScoreCounts`), so a read model can keep one
 * small histogram per bucket, merge buckets by adding counts, and compute the metrics on read.
 * An empty bucket gives n = 0 and null for every metric, never NaN.
 *
 * Variances are plug-in (divide by n, not n − 1) throughout, because that is what the specified
 * NPS margin of error uses; CSAT and CES follow suit so that all four changes are tested the same
 * way. For a single answer this makes the standard error 0: the normal approximation says nothing
 * useful at such n, and the counts are reported beside the metrics for that reason.
 */

export type SurveyKind = 'nps' | 'csat' | 'ces';

/** Answers per score, e.g. { 10: 31, 9: 12, 3: 2 }. Scores absent from the record count 0. */
export type ScoreCounts = Readonly<Record<number, number>>;

export const SURVEY_SCALES: Readonly<Record<SurveyKind, { min: number; max: number }>> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

/** z for a two-sided 95% interval, as in the specified margin of error. */
const Z_95 = 1.96;

export interface NpsMetrics {
  n: number;
  /** Answers 9–10. */
  promoters: number;
  /** Answers 7–8. */
  passives: number;
  /** Answers 0–6. */
  detractors: number;
  /** 100 · (promoter share − detractor share), −100..100. */
  nps: number | null;
  /** 100 · sqrt((p + d − (p − d)²) / n), in NPS points. */
  standardError: number | null;
  /** 95% margin of error in NPS points: 1.96 · standardError. */
  marginOfError: number | null;
}

export interface CsatMetrics {
  n: number;
  /** Answers 4–5. */
  satisfied: number;
  /** Percentage of answers 4–5. */
  csat: number | null;
  /** Of csat, in percentage points: 100 · sqrt(s(1 − s)/n). */
  csatStandardError: number | null;
  /** Mean answer, 1–5. */
  mean: number | null;
  meanStandardError: number | null;
}

export interface CesMetrics {
  n: number;
  /** Mean answer, 1–7; lower means less effort, which is better. */
  mean: number | null;
  standardError: number | null;
}

export interface SurveyBucketMetrics {
  nps: NpsMetrics;
  csat: CsatMetrics;
  ces: CesMetrics;
}

export interface SurveyAnswer {
  kind: SurveyKind;
  score: number;
}

/** Counts answers per score, rejecting scores off the scale (they are ingest bugs, not data). */
export function countScores(kind: SurveyKind, scores: readonly number[]): ScoreCounts {
  const counts: Record<number, number> = {};
  for (const score of scores) {
    checkScore(kind, score);
    counts[score] = (counts[score] ?? 0) + 1;
  }
  return counts;
}

export function npsMetrics(scores: readonly number[]): NpsMetrics {
  return npsFromCounts(countScores('nps', scores));
}

export function npsFromCounts(counts: ScoreCounts): NpsMetrics {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const [score, count] of entries('nps', counts)) {
    if (score >= 9) promoters += count;
    else if (score >= 7) passives += count;
    else detractors += count;
  }
  const n = promoters + passives + detractors;
  if (n === 0) {
    return {
      n,
      promoters,
      passives,
      detractors,
      nps: null,
      standardError: null,
      marginOfError: null,
    };
  }
  const p = promoters / n;
  const d = detractors / n;
  const variance = Math.max(0, p + d - (p - d) ** 2);
  const standardError = 100 * Math.sqrt(variance / n);
  return {
    n,
    promoters,
    passives,
    detractors,
    nps: 100 * (p - d),
    standardError,
    marginOfError: Z_95 * standardError,
  };
}

export function csatMetrics(scores: readonly number[]): CsatMetrics {
  return csatFromCounts(countScores('csat', scores));
}

export function csatFromCounts(counts: ScoreCounts): CsatMetrics {
  const moments = momentsOf('csat', counts);
  let satisfied = 0;
  for (const [score, count] of entries('csat', counts)) if (score >= 4) satisfied += count;
  if (moments === null) {
    return {
      n: 0,
      satisfied,
      csat: null,
      csatStandardError: null,
      mean: null,
      meanStandardError: null,
    };
  }
  const { n, mean, standardError } = moments;
  const share = satisfied / n;
  return {
    n,
    satisfied,
    csat: 100 * share,
    csatStandardError: 100 * Math.sqrt((share * (1 - share)) / n),
    mean,
    meanStandardError: standardError,
  };
}

export function cesMetrics(scores: readonly number[]): CesMetrics {
  return cesFromCounts(countScores('ces', scores));
}

export function cesFromCounts(counts: ScoreCounts): CesMetrics {
  const moments = momentsOf('ces', counts);
  if (moments === null) return { n: 0, mean: null, standardError: null };
  return { n: moments.n, mean: moments.mean, standardError: moments.standardError };
}

/** All three metrics for a bucket of mixed answers. */
export function surveyBucketMetrics(answers: readonly SurveyAnswer[]): SurveyBucketMetrics {
  const scores: Record<SurveyKind, number[]> = { nps: [], csat: [], ces: [] };
  for (const answer of answers) scores[answer.kind].push(answer.score);
  return {
    nps: npsMetrics(scores.nps),
    csat: csatMetrics(scores.csat),
    ces: cesMetrics(scores.ces),
  };
}

export interface MetricChange {
  previous: number | null;
  current: number | null;
  /** current − previous; null unless both periods have answers. */
  change: number | null;
  /** sqrt(SE_previous² + SE_current²). */
  standardError: number | null;
  /** change / standardError; null when either is null or the standard error is 0. */
  z: number | null;
  /** |z| > 1.96 (two-sided, 5%). */
  significant: boolean;
}

export interface SurveyBucketChange {
  nps: MetricChange;
  /** In percentage points. */
  csat: MetricChange;
  csatMean: MetricChange;
  /** A negative change is an improvement (less effort). */
  cesMean: MetricChange;
}

export interface Estimate {
  value: number | null;
  standardError: number | null;
}

/**
 * Two-sample z-test on the difference of two independent estimates:
 *
 *   z = (current − previous) / sqrt(SE_previous² + SE_current²),  significant when |z| > 1.96.
 *
 * For NPS each period's variance is (p + d − (p − d)²)/n, the variance of the mean of per-answer
 * scores +1/0/−1; for CSAT %, s(1 − s)/n; for means, the plug-in variance of the answers over n.
 * The periods are treated as independent samples (different answers). An empty period gives
 * change null and not significant. When both periods are unanimous (standard error 0), z is
 * undefined: a change is then flagged significant exactly when the two values differ.
 */
export function compareEstimates(previous: Estimate, current: Estimate): MetricChange {
  const base = { previous: previous.value, current: current.value };
  if (
    previous.value === null ||
    current.value === null ||
    previous.standardError === null ||
    current.standardError === null
  ) {
    return { ...base, change: null, standardError: null, z: null, significant: false };
  }
  const change = current.value - previous.value;
  const standardError = Math.sqrt(previous.standardError ** 2 + current.standardError ** 2);
  if (standardError === 0)
    return { ...base, change, standardError, z: null, significant: change !== 0 };
  const z = change / standardError;
  return { ...base, change, standardError, z, significant: Math.abs(z) > Z_95 };
}

export function compareSurveyBuckets(
  previous: SurveyBucketMetrics,
  current: SurveyBucketMetrics,
): SurveyBucketChange {
  return {
    nps: compareEstimates(
      { value: previous.nps.nps, standardError: previous.nps.standardError },
      { value: current.nps.nps, standardError: current.nps.standardError },
    ),
    csat: compareEstimates(
      { value: previous.csat.csat, standardError: previous.csat.csatStandardError },
      { value: current.csat.csat, standardError: current.csat.csatStandardError },
    ),
    csatMean: compareEstimates(
      { value: previous.csat.mean, standardError: previous.csat.meanStandardError },
      { value: current.csat.mean, standardError: current.csat.meanStandardError },
    ),
    cesMean: compareEstimates(
      { value: previous.ces.mean, standardError: previous.ces.standardError },
      { value: current.ces.mean, standardError: current.ces.standardError },
    ),
  };
}

function momentsOf(
  kind: SurveyKind,
  counts: ScoreCounts,
): { n: number; mean: number; standardError: number } | null {
  const pairs = entries(kind, counts);
  let n = 0;
  let total = 0;
  for (const [score, count] of pairs) {
    n += count;
    total += score * count;
  }
  if (n === 0) return null;
  const mean = total / n;
  let squares = 0;
  for (const [score, count] of pairs) squares += count * (score - mean) ** 2;
  return { n, mean, standardError: Math.sqrt(squares / n / n) };
}

function entries(kind: SurveyKind, counts: ScoreCounts): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const [key, count] of Object.entries(counts)) {
    const score = Number(key);
    checkScore(kind, score);
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`${kind} count for score ${key} must be a non-negative integer`);
    }
    if (count > 0) pairs.push([score, count]);
  }
  return pairs;
}

function checkScore(kind: SurveyKind, score: number): void {
  const { min, max } = SURVEY_SCALES[kind];
  if (!Number.isInteger(score) || score < min || score > max) {
    throw new RangeError(`${kind} score must be an integer ${min}–${max} (got ${score})`);
  }
}
