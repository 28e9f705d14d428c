/**
 * Alerts settings (see docs/alerts.md):
 * - TOUCHLINE_COMPLAINT_RESPONSE_TARGETS: first-response targets of complaints, a comma list of
 *   `<selector>=<duration>`. A selector is `default`, a severity (low, medium, high, critical), a
 *   tier (vip, key, regular, prospect) or a pair `<severity>+<tier>`; a duration (duration.ts)
 *   from 1s to 30d. E.g. "default=15m,critical=5m,high=10m,vip=5m,critical+vip=2m". The target of
 *   a complaint is its pair's if configured, else the shorter of its severity's and its tier's,
 *   else the default (15 minutes unless set).
 * - TOUCHLINE_ALERT_WEBHOOKS: comma list of http(s) URLs each alert is POSTed to.
 * - TOUCHLINE_ALERT_WEBHOOK_SECRET: the HMAC-SHA256 key that signs them (16+ characters),
 *   required with webhooks.
 */

import { DAY_MS, durationRange, parseDuration, type DurationBounds } from './duration';

/** The severities of complaint.opened and the customer tiers (read-models); specs hold them equal. */
export const RESPONSE_TARGET_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const RESPONSE_TARGET_TIERS = ['vip', 'key', 'regular', 'prospect'] as const;
export type TargetSeverity = (typeof RESPONSE_TARGET_SEVERITIES)[number];
export type TargetTier = (typeof RESPONSE_TARGET_TIERS)[number];

const DEFAULT_RESPONSE_TARGET_MS = 15 * 60_000;
const TARGET: DurationBounds = { min: 1_000, max: 30 * DAY_MS };

export interface ResponseTargets {
  defaultMs: number;
  bySeverity: Partial<Record<TargetSeverity, number>>;
  byTier: Partial<Record<TargetTier, number>>;
  /** Key `<severity>+<tier>`. */
  byPair: { [pair: string]: number };
}

export interface AlertsConfig {
  responseTargets: ResponseTargets;
  webhooks: string[];
  webhookSecret: string | undefined;
}

const isSeverity = (s: string): s is TargetSeverity =>
  (RESPONSE_TARGET_SEVERITIES as readonly string[]).includes(s);
const isTier = (s: string): s is TargetTier =>
  (RESPONSE_TARGET_TIERS as readonly string[]).includes(s);

const NAME = 'TOUCHLINE_COMPLAINT_RESPONSE_TARGETS';

export function parseResponseTargets(raw: string | undefined, problems: string[]): ResponseTargets {
  const targets: ResponseTargets = {
    defaultMs: DEFAULT_RESPONSE_TARGET_MS,
    bySeverity: {},
    byTier: {},
    byPair: {},
  };
  if (raw === undefined) return targets;
  const seen = new Set<string>();
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const [selector = '', duration = '', ...rest] = entry.split('=').map((p) => p.trim());
    const ms = parseDuration(duration, TARGET);
    if (entry === '' || rest.length > 0 || ms === null) {
      problems.push(
        `${NAME}: "${entry}" is not <selector>=<duration> with a duration ${durationRange(TARGET)} such as 30s, 15m, 2h or 1d`,
      );
      continue;
    }
    if (seen.has(selector)) {
      problems.push(`${NAME}: ${selector} is given twice`);
      continue;
    }
    seen.add(selector);
    const [severity, tier, ...more] = selector.split('+');
    if (selector === 'default') targets.defaultMs = ms;
    else if (tier === undefined && isSeverity(severity!)) targets.bySeverity[severity] = ms;
    else if (tier === undefined && isTier(severity!)) targets.byTier[severity] = ms;
    else if (more.length === 0 && isSeverity(severity!) && tier !== undefined && isTier(tier))
      targets.byPair[`${severity}+${tier}`] = ms;
    else
      problems.push(
        `${NAME}: unknown selector "${selector}": use default, a severity (${RESPONSE_TARGET_SEVERITIES.join(', ')}), a tier (${RESPONSE_TARGET_TIERS.join(', ')}) or <severity>+<tier>`,
      );
  }
  return targets;
}

function parseWebhooks(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return [];
  const urls: string[] = [];
  for (const entry of raw.split(',').map((e) => e.trim())) {
    let url: URL | null = null;
    try {
      url = new URL(entry);
    } catch {
      url = null;
    }
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      problems.push(`TOUCHLINE_ALERT_WEBHOOKS: "${entry}" is not an http(s) URL`);
    } else if (urls.includes(url.href)) {
      problems.push(`TOUCHLINE_ALERT_WEBHOOKS: ${url.href} is given twice`);
    } else {
      urls.push(url.href);
    }
  }
  return urls;
}

export function parseAlertsConfig(
  value: (name: string) => string | undefined,
  problems: string[],
): AlertsConfig {
  const responseTargets = parseResponseTargets(value(NAME), problems);
  const webhooks = parseWebhooks(value('TOUCHLINE_ALERT_WEBHOOKS'), problems);
  const webhookSecret = value('TOUCHLINE_ALERT_WEBHOOK_SECRET');
  if (webhooks.length > 0 && webhookSecret === undefined) {
    problems.push(
      'TOUCHLINE_ALERT_WEBHOOK_SECRET is required with TOUCHLINE_ALERT_WEBHOOKS: receivers verify the signature with it',
    );
  } else if (webhookSecret !== undefined && webhookSecret.length < 16) {
    problems.push('TOUCHLINE_ALERT_WEBHOOK_SECRET must have at least 16 characters');
  }
  return { responseTargets, webhooks, webhookSecret };
}
