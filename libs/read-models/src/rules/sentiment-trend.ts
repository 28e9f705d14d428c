/** Per UTC day: [number of sentiment points, their sum]. */
export type SentimentDays = { [day: string]: [number, number] };

export const SENTIMENT_TREND_WINDOW_DAYS = 90;
/** Days a profile keeps: the two windows of the trend. */
export const SENTIMENT_DAYS_KEPT = 2 * SENTIMENT_TREND_WINDOW_DAYS;

const MS_PER_DAY = 86_400_000;
const dayNumber = (day: string) => Math.floor(Date.parse(`${day}T00:00:00.000Z`) / MS_PER_DAY);

/**
 * Adds a point and forgets the days older than the kept span before the newest day. The result
 * depends only on the set of points, not on their arrival order: a late old point is added and
 * then pruned, or not added, to the same end.
 */
export function addSentimentDay(days: SentimentDays, day: string, value: number): SentimentDays {
  const [n, sum] = days[day] ?? [0, 0];
  const next: SentimentDays = { ...days, [day]: [n + 1, sum + value] };
  const newest = Math.max(...Object.keys(next).map(dayNumber));
  for (const key of Object.keys(next)) {
    if (dayNumber(key) <= newest - SENTIMENT_DAYS_KEPT) delete next[key];
  }
  return next;
}

export interface SentimentTrend {
  /** Mean over the last 90 days up to asOf's day. */
  recent: number | null;
  /** Mean over the 90 days before those. */
  previous: number | null;
  /** recent − previous; null unless both windows have points. */
  change: number | null;
}

/**
 * analytics' periodTrend (two window means, not a slope) at the resolution of a UTC day:
 * recent = the 90 days ending with asOf's day, previous = the 90 days before. Computed when read,
 * because "recent" moves with the clock while the row only moves with events.
 */
export function sentimentTrend(days: SentimentDays, asOf: Date): SentimentTrend {
  const today = Math.floor(asOf.getTime() / MS_PER_DAY);
  let recent = [0, 0];
  let previous = [0, 0];
  for (const [day, [n, sum]] of Object.entries(days)) {
    const age = today - dayNumber(day);
    if (age < 0 || age >= SENTIMENT_DAYS_KEPT) continue;
    if (age < SENTIMENT_TREND_WINDOW_DAYS) recent = [recent[0]! + n, recent[1]! + sum];
    else previous = [previous[0]! + n, previous[1]! + sum];
  }
  const mean = ([n, sum]: number[]) => (n! > 0 ? sum! / n! : null);
  const r = mean(recent);
  const p = mean(previous);
  return { recent: r, previous: p, change: r !== null && p !== null ? r - p : null };
}
