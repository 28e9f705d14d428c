export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

const MS_PER_DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A valid calendar date `YYYY-MM-DD` (2026-02-30 is not), as UTC midnight; null otherwise. */
export function parseDay(text: string): Date | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text ? date : null;
}

export const formatDay = (date: Date): string => date.toISOString().slice(0, 10);

/** The UTC day, Monday (ISO week) or first of the month on or before `date`. */
export function bucketStart(date: Date, interval: Interval): Date {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  if (interval === 'day') return day;
  if (interval === 'week')
    return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * MS_PER_DAY);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
}

export function nextBucket(start: Date, interval: Interval): Date {
  if (interval === 'day') return new Date(start.getTime() + MS_PER_DAY);
  if (interval === 'week') return new Date(start.getTime() + 7 * MS_PER_DAY);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

export function previousBucket(start: Date, interval: Interval): Date {
  if (interval === 'day') return new Date(start.getTime() - MS_PER_DAY);
  if (interval === 'week') return new Date(start.getTime() - 7 * MS_PER_DAY);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
}

/** Starts of the buckets that cover the days `from`..`to` (both included), whole buckets. */
export function bucketStarts(from: Date, to: Date, interval: Interval): Date[] {
  const starts: Date[] = [];
  for (let s = bucketStart(from, interval); s <= to; s = nextBucket(s, interval)) starts.push(s);
  return starts;
}

export const addDays = (date: Date, days: number): Date =>
  new Date(date.getTime() + days * MS_PER_DAY);
