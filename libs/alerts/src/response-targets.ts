import type { ResponseTargets, TargetSeverity, TargetTier } from '@touchline/config';

/**
 * The first-response target of a complaint: its severity+tier pair if configured, else the
 * shorter of its severity's and its tier's targets (the stricter promise wins), else the default.
 * An unknown severity or tier (null) simply matches no specific rule.
 */
export function responseTargetMs(
  targets: ResponseTargets,
  severity: string | null,
  tier: string | null,
): number {
  if (severity !== null && tier !== null) {
    const pair = targets.byPair[`${severity}+${tier}`];
    if (pair !== undefined) return pair;
  }
  const specific = [
    severity === null ? undefined : targets.bySeverity[severity as TargetSeverity],
    tier === null ? undefined : targets.byTier[tier as TargetTier],
  ].filter((ms): ms is number => ms !== undefined);
  return specific.length > 0 ? Math.min(...specific) : targets.defaultMs;
}

/** The shortest target any complaint can have: complaints opened more recently cannot be late. */
export function shortestResponseTargetMs(targets: ResponseTargets): number {
  return Math.min(
    targets.defaultMs,
    ...Object.values(targets.bySeverity),
    ...Object.values(targets.byTier),
    ...Object.values(targets.byPair),
  );
}
