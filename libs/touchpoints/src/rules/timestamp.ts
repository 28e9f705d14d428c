/**
 * Timestamps are RFC 3339 date-times (the ISO 8601 profile the web uses) with an explicit offset:
 * a time without a zone is ambiguous, and guessing one silently moves events by hours.
 */
const MAX_LENGTH = 40;

export const EARLIEST_TIMESTAMP_MS = 0; // 1970-01-01T00:00:00Z
/** How far a producer's clock may run ahead of the server's. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type TimestampParse = { ok: true; epochMs: number } | { ok: false; problem: string };

export const TIMESTAMP_FORMAT_PROBLEM =
  'must be an ISO 8601 date-time with a timezone, e.g. 2024-05-01T12:30:00Z or 2024-05-01T14:30:00.250+02:00';

let lastText: string | undefined;
let lastParse: TimestampParse | undefined;

/** Validation parses each timestamp twice in a row (format, then window): the second is free. */
export function parseTimestamp(value: unknown): TimestampParse {
  if (typeof value === 'string' && value === lastText && lastParse !== undefined) return lastParse;
  const parsed = parse(value);
  if (typeof value === 'string') {
    lastText = value;
    lastParse = parsed;
  }
  return parsed;
}

/** Hand-rolled rather than a regular expression with ten capture groups: this runs per event. */
function parse(value: unknown): TimestampParse {
  if (typeof value !== 'string' || value.length < 20 || value.length > MAX_LENGTH) return badFormat;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (
    year < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    value[4] !== '-' ||
    value[7] !== '-' ||
    value[10] !== 'T' ||
    value[13] !== ':' ||
    value[16] !== ':'
  ) {
    return badFormat;
  }
  let i = 19;
  let millis = 0;
  if (value[i] === '.') {
    const start = ++i;
    while (i < value.length && isDigit(value.charCodeAt(i))) i++;
    const count = i - start;
    if (count === 0 || count > 9) return badFormat;
    millis = Number(value.slice(start, start + Math.min(count, 3)).padEnd(3, '0'));
  }
  let offsetMinutes = 0;
  if (value[i] === 'Z') {
    if (i + 1 !== value.length) return badFormat;
  } else if (value[i] === '+' || value[i] === '-') {
    const oh = digits(value, i + 1, 2);
    const om = digits(value, i + 4, 2);
    if (oh < 0 || om < 0 || value[i + 3] !== ':' || i + 6 !== value.length) return badFormat;
    if (oh > 23 || om > 59) return { ok: false, problem: 'has an impossible UTC offset' };
    offsetMinutes = (value[i] === '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return badFormat;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, problem: 'is not a calendar date' };
  }
  // No leap seconds: JavaScript time, PostgreSQL and most producers cannot represent them.
  if (hour > 23 || minute > 59 || second > 59)
    return { ok: false, problem: 'is not a time of day' };
  // Also keeps Date.UTC away from years 0–99, which it would read as 1900–1999.
  if (year < 1969) return tooEarly;
  const epochMs =
    Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  if (!Number.isFinite(epochMs)) return badFormat;
  if (epochMs < EARLIEST_TIMESTAMP_MS) return tooEarly;
  return { ok: true, epochMs };
}

const badFormat: TimestampParse = { ok: false, problem: TIMESTAMP_FORMAT_PROBLEM };
const tooEarly: TimestampParse = { ok: false, problem: 'must not be before 1970-01-01T00:00:00Z' };

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The decimal number in value[start, start + count), or -1 unless all are ASCII digits. */
function digits(value: string, start: number, count: number): number {
  if (start + count > value.length) return -1;
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const code = value.charCodeAt(i);
    if (!isDigit(code)) return -1;
    n = n * 10 + (code - 48);
  }
  return n;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A date without time (YYYY-MM-DD), e.g. a birth date; undefined when valid, else the problem. */
export function calendarDateProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a date as YYYY-MM-DD';
  const m = CALENDAR_DATE.exec(value);
  if (m === null) return 'must be a date as YYYY-MM-DD';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return 'is not a calendar date from 1900 on';
  }
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
