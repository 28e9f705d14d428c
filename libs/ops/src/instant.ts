export type InstantParse = { ok: true; date: Date } | { ok: false; problem: string };

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/i;

export const INSTANT_FORMAT =
  'an ISO 8601 date (2026-03-01, midnight UTC) or date-time with a timezone (2026-03-01T12:00:00Z, 2026-03-01T14:00:00.250+02:00)';

/**
 * Parses an instant given by an operator (query parameter, CLI option). A date-time must name its
 * zone: guessing one would silently move an as-of replay by hours. Impossible dates are refused
 * rather than rolled over (Date would read 2026-02-30 as 2 March).
 */
export function parseInstant(name: string, value: string): InstantParse {
  const bad = (why = `must be ${INSTANT_FORMAT}`): InstantParse => ({
    ok: false,
    problem: `${name} ${why}, got "${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`,
  });
  const match = INSTANT.exec(value.trim());
  if (!match) return bad();
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return bad('is not a valid calendar date and time');
  }
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return bad('has an invalid timezone offset');
    offsetMinutes = sign * (oh * 60 + om);
  }
  return { ok: true, date: new Date(utc - offsetMinutes * 60_000) };
}
