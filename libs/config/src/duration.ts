const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** The one duration grammar of the configuration: a whole number and a unit. */
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

export const DAY_MS = UNIT_MS.d;

/** Inclusive bounds of a duration, in milliseconds. */
export interface DurationBounds {
  min: number;
  max: number;
}

/**
 * `<n><unit>` with ms, s, m, h or d (`500ms`, `30s`, `15m`, `6h`, `1d`) → milliseconds; null for
 * anything else (no unit, fractions, signs, spaces, upper case) and for a value outside `bounds`.
 * What 0 or a missing value means is the caller's to say.
 */
export function parseDuration(text: string, bounds: DurationBounds): number | null {
  const match = DURATION.exec(text);
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as Unit];
  return ms >= bounds.min && ms <= bounds.max ? ms : null;
}

/** Milliseconds in the largest unit that states them exactly (`90000` → `90s`), for messages. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms > 0 && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** `from 1s to 366d`, for messages. */
export const durationRange = ({ min, max }: DurationBounds): string =>
  `from ${formatDuration(min)} to ${formatDuration(max)}`;
