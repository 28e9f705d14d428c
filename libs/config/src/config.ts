import { parseApiKeys, type ApiKeyConfig } from './api-keys';
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
  };
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
