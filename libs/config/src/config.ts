import { parseAlertsConfig, type AlertsConfig } from './alerts-config';
import { parseApiKeys, type ApiKeyConfig } from './api-keys';
import { DAY_MS, durationRange, parseDuration, type DurationBounds } from './duration';
import { parseMasterKeys, type MasterKeysConfig } from './master-keys';
import { parseSegmentMappingFile, type SegmentMappingConfig } from './segment-mapping';

/**
 * Configuration comes from the environment only, and is validated once at start: every wrong
 * value is reported (all of them, not just the first) and the process refuses to start.
 */
export type RuntimeProfile = 'embedded' | 'postgres' | 'kafka' | 'eventstoredb';

export interface TouchlineConfig {
  profile: RuntimeProfile;
  port: number;
  /** Absent: the embedded PostgreSQL (PGlite) in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  kafkaBrokers: string[] | undefined;
  eventstoreUrl: string | undefined;
  logLevel: LogLevel;
  /**
   * API keys from TOUCHLINE_API_KEYS / TOUCHLINE_API_KEYS_FILE. Required outside the embedded
   * profile; the embedded profile generates an admin key when none is configured.
   */
  apiKeys: ApiKeyConfig[];
  /** Lifetime net spend (purchases − refunds) from which a customer is VIP or key; see docs/read-models.md. */
  tierThresholds: TierThresholds;
  /** Longest wait of a query for X-Touchline-Min-Position before it answers 503. */
  minPositionWaitMs: number;
  /**
   * Rules for Segment `track` events from TOUCHLINE_SEGMENT_MAPPING_FILE, on top of (or instead
   * of) the built-in ones; absent: the built-in rules only.
   */
  segmentMapping: SegmentMappingConfig | undefined;
  /** Complaint first-response targets and alert webhooks (alerts-config.ts, docs/alerts.md). */
  alerts: AlertsConfig;
  /** RFM snapshots: the frequency/monetary window and the schedule (docs/read-models.md#rfm). */
  rfm: { windowDays: number; intervalMs: number };
  /** The churn model's scheduled refit (docs/read-models.md#churn-risk); 0 turns it off. */
  churnModel: { refitIntervalMs: number };
  /**
   * Master keys wrapping the customers' data keys (TOUCHLINE_MASTER_KEYS / _FILE / _ACTIVE; see
   * docs/privacy.md). Required outside the embedded profile; the embedded profile generates one
   * in dataDir when none is configured.
   */
  masterKeys: MasterKeysConfig;
  /**
   * Whether this process runs the projections (TOUCHLINE_RUN_PROJECTIONS = auto | true | false).
   * auto (the default): yes in the embedded and postgres profiles, no in the kafka profile, where
   * the worker (`npm run start:worker`) runs them and the API only serves queries.
   */
  runProjections: boolean;
}

export interface TierThresholds {
  vipSpend: number;
  keySpend: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration; throws ConfigError listing every wrong value. */
export function loadConfig(env: Env = process.env): TouchlineConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };

  const port = parsePort(value('PORT'), problems);
  const databaseUrl = parseDatabaseUrl(value('DATABASE_URL'), problems);
  const dataDir = value('TOUCHLINE_DATA_DIR') ?? './.touchline';
  const kafkaBrokers = parseBrokers(value('KAFKA_BROKERS'), problems);
  const eventstoreUrl = parseEventstoreUrl(value('EVENTSTORE_URL'), problems);
  const logLevel = parseLogLevel(value('LOG_LEVEL'), problems);
  const apiKeys = parseApiKeys(
    value('TOUCHLINE_API_KEYS'),
    value('TOUCHLINE_API_KEYS_FILE'),
    problems,
  );
  const tierThresholds = parseTierThresholds(
    value('TOUCHLINE_TIER_VIP_SPEND'),
    value('TOUCHLINE_TIER_KEY_SPEND'),
    problems,
  );
  const minPositionWaitMs = parseMilliseconds(
    'TOUCHLINE_MIN_POSITION_WAIT_MS',
    value('TOUCHLINE_MIN_POSITION_WAIT_MS'),
    2_000,
    { min: 0, max: 60_000 },
    problems,
  );
  const segmentMapping = parseSegmentMappingFile(value('TOUCHLINE_SEGMENT_MAPPING_FILE'), problems);
  const alerts = parseAlertsConfig(value, problems);
  const masterKeys = parseMasterKeys(
    value('TOUCHLINE_MASTER_KEYS'),
    value('TOUCHLINE_MASTER_KEYS_FILE'),
    value('TOUCHLINE_MASTER_KEY_ACTIVE'),
    problems,
  );
  const rfm = {
    windowDays: parseRfmWindowDays(value('TOUCHLINE_RFM_WINDOW_DAYS'), problems),
    intervalMs: parseJobInterval(
      'TOUCHLINE_RFM_INTERVAL',
      value('TOUCHLINE_RFM_INTERVAL'),
      problems,
    ),
  };
  const churnModel = {
    refitIntervalMs: parseJobInterval(
      'TOUCHLINE_CHURN_REFIT_INTERVAL',
      value('TOUCHLINE_CHURN_REFIT_INTERVAL'),
      problems,
    ),
  };
  const profile: RuntimeProfile = eventstoreUrl
    ? 'eventstoredb'
    : kafkaBrokers
      ? 'kafka'
      : databaseUrl
        ? 'postgres'
        : 'embedded';
  if (profile !== 'embedded' && apiKeys.length === 0) {
    problems.push(
      'TOUCHLINE_API_KEYS (or TOUCHLINE_API_KEYS_FILE) is required outside the embedded profile: ' +
        'e.g. TOUCHLINE_API_KEYS="ops:<secret of 16+ chars>:ops+admin"',
    );
  }
  if (profile !== 'embedded' && masterKeys.keys.length === 0) {
    problems.push(
      'TOUCHLINE_MASTER_KEYS (or TOUCHLINE_MASTER_KEYS_FILE) is required outside the embedded profile: ' +
        'e.g. TOUCHLINE_MASTER_KEYS="mk-2026-01:$(openssl rand -base64 32)" (see docs/privacy.md)',
    );
  }

  const runProjections = parseRunProjections(value('TOUCHLINE_RUN_PROJECTIONS'), profile, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    profile,
    port,
    databaseUrl,
    dataDir,
    kafkaBrokers,
    eventstoreUrl,
    logLevel,
    apiKeys,
    tierThresholds,
    minPositionWaitMs,
    segmentMapping,
    alerts,
    rfm,
    churnModel,
    masterKeys,
    runProjections,
  };
}

function parseRunProjections(
  raw: string | undefined,
  profile: RuntimeProfile,
  problems: string[],
): boolean {
  const auto = profile !== 'kafka';
  if (raw === undefined || raw === 'auto') return auto;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  problems.push(`TOUCHLINE_RUN_PROJECTIONS must be auto, true or false, got "${raw}"`);
  return auto;
}

const JOB_INTERVAL: DurationBounds = { min: 1_000, max: 366 * DAY_MS };

/** A snapshot job's interval: a duration (duration.ts) from 1s to 366d, default 1d, `0` = off. */
function parseJobInterval(name: string, raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return DAY_MS;
  if (raw === '0') return 0;
  const ms = parseDuration(raw, JOB_INTERVAL);
  if (ms === null) {
    problems.push(
      `${name} must be 0 (off) or a duration ${durationRange(JOB_INTERVAL)} such as 30m, 6h or 1d, got "${raw}"`,
    );
    return DAY_MS;
  }
  return ms;
}

function parseRfmWindowDays(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return 365;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > 3650) {
    problems.push(
      `TOUCHLINE_RFM_WINDOW_DAYS must be an integer from 1 to 3650 (days), got "${raw}"`,
    );
    return 365;
  }
  return days;
}

const AMOUNT = /^\d+(\.\d+)?$/;

function parseTierThresholds(
  vipRaw: string | undefined,
  keyRaw: string | undefined,
  problems: string[],
): TierThresholds {
  const amount = (name: string, raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback;
    if (!AMOUNT.test(raw)) {
      problems.push(`${name} must be a non-negative amount in major currency units, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };
  const vipSpend = amount('TOUCHLINE_TIER_VIP_SPEND', vipRaw, 5_000);
  const keySpend = amount('TOUCHLINE_TIER_KEY_SPEND', keyRaw, 1_000);
  if (keySpend > vipSpend) {
    problems.push(
      `TOUCHLINE_TIER_KEY_SPEND (${keySpend}) must not exceed TOUCHLINE_TIER_VIP_SPEND (${vipSpend})`,
    );
  }
  return { vipSpend, keySpend };
}

function parseMilliseconds(
  name: string,
  raw: string | undefined,
  fallback: number,
  { min, max }: { min: number; max: number },
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms < min || ms > max) {
    problems.push(`${name} must be an integer from ${min} to ${max} (milliseconds), got "${raw}"`);
    return fallback;
  }
  return ms;
}

function parsePort(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return 3000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    problems.push(`PORT must be an integer from 1 to 65535, got "${raw}"`);
  }
  return port;
}

function parseDatabaseUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      problems.push(
        `DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}//…"`,
      );
    } else if (!url.pathname || url.pathname === '/') {
      problems.push('DATABASE_URL must name a database, e.g. postgres://user@host:5432/touchline');
    }
  } catch {
    problems.push(
      'DATABASE_URL is not a valid URL (expected postgres://user:password@host:5432/database)',
    );
  }
  return raw;
}

function parseBrokers(raw: string | undefined, problems: string[]): string[] | undefined {
  if (raw === undefined) return undefined;
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const bad = brokers.filter((b) => !/^[A-Za-z0-9._-]+:\d{1,5}$/.test(b));
  if (brokers.length === 0 || bad.length > 0) {
    problems.push(
      `KAFKA_BROKERS must be a comma-separated list of host:port, got "${raw}"` +
        (bad.length ? ` (bad: ${bad.join(', ')})` : ''),
    );
  }
  return brokers;
}

function parseEventstoreUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^esdb(\+discover)?:\/\/[^/]+/.test(raw)) {
    problems.push(
      `EVENTSTORE_URL must be an esdb:// or esdb+discover:// connection string, got "${raw}"`,
    );
  }
  return raw;
}

function parseLogLevel(raw: string | undefined, problems: string[]): LogLevel {
  if (raw === undefined) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
    return 'info';
  }
  return raw as LogLevel;
}
