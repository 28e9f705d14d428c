import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded profile on port 3000 with data in ./.touchline', () => {
    expect(loadConfig({})).toEqual({
      profile: 'embedded',
      port: 3000,
      databaseUrl: undefined,
      dataDir: './.touchline',
      kafkaBrokers: undefined,
      eventstoreUrl: undefined,
      logLevel: 'info',
      apiKeys: [],
      tierThresholds: { vipSpend: 5000, keySpend: 1000 },
      minPositionWaitMs: 2000,
      segmentMapping: undefined,
      alerts: {
        responseTargets: { defaultMs: 900_000, bySeverity: {}, byTier: {}, byPair: {} },
        webhooks: [],
        webhookSecret: undefined,
      },
      rfm: { windowDays: 365, intervalMs: 86_400_000 },
      churnModel: { refitIntervalMs: 86_400_000 },
      masterKeys: { keys: [], activeId: undefined },
      runProjections: true,
    });
  });

  it('runs projections in the API except in the kafka profile, unless TOUCHLINE_RUN_PROJECTIONS says', () => {
    const db = 'postgres://postgres@127.0.0.1:5432/test';
    const keys = {
      TOUCHLINE_API_KEYS: 'ops:0123456789abcdef:ops',
      TOUCHLINE_MASTER_KEYS: `mk-1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    const kafka = { ...keys, DATABASE_URL: db, KAFKA_BROKERS: 'k1:9092' };
    expect(loadConfig({ ...keys, DATABASE_URL: db }).runProjections).toBe(true);
    expect(loadConfig(kafka).runProjections).toBe(false);
    expect(loadConfig({ ...kafka, TOUCHLINE_RUN_PROJECTIONS: 'auto' }).runProjections).toBe(false);
    expect(loadConfig({ ...kafka, TOUCHLINE_RUN_PROJECTIONS: 'true' }).runProjections).toBe(true);
    expect(loadConfig({ TOUCHLINE_RUN_PROJECTIONS: 'false' }).runProjections).toBe(false);
    expect(() => loadConfig({ TOUCHLINE_RUN_PROJECTIONS: 'yes' })).toThrow(
      /TOUCHLINE_RUN_PROJECTIONS must be auto, true or false, got "yes"/,
    );
  });

  it('reads the RFM window and the snapshot job intervals, 0 turning a job off', () => {
    expect(
      loadConfig({
        TOUCHLINE_RFM_WINDOW_DAYS: '180',
        TOUCHLINE_RFM_INTERVAL: '6h',
        TOUCHLINE_CHURN_REFIT_INTERVAL: '0',
      }),
    ).toMatchObject({
      rfm: { windowDays: 180, intervalMs: 6 * 3_600_000 },
      churnModel: { refitIntervalMs: 0 },
    });
    expect(loadConfig({ TOUCHLINE_RFM_INTERVAL: '90s' }).rfm.intervalMs).toBe(90_000);
    expect(loadConfig({ TOUCHLINE_RFM_INTERVAL: '1500ms' }).rfm.intervalMs).toBe(1_500);
    expect(loadConfig({ TOUCHLINE_CHURN_REFIT_INTERVAL: '366d' }).churnModel.refitIntervalMs).toBe(
      366 * 86_400_000,
    );
    expect(loadConfig({}).rfm.intervalMs).toBe(86_400_000);
  });

  it('refuses a wrong RFM window or job interval, naming each variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        TOUCHLINE_RFM_WINDOW_DAYS: '0',
        TOUCHLINE_RFM_INTERVAL: 'daily',
        TOUCHLINE_CHURN_REFIT_INTERVAL: '500ms',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual([
      expect.stringContaining('TOUCHLINE_RFM_WINDOW_DAYS must be an integer from 1 to 3650'),
      'TOUCHLINE_RFM_INTERVAL must be 0 (off) or a duration from 1s to 366d such as 30m, 6h or 1d, got "daily"',
      'TOUCHLINE_CHURN_REFIT_INTERVAL must be 0 (off) or a duration from 1s to 366d such as 30m, 6h or 1d, got "500ms"',
    ]);
    expect(() => loadConfig({ TOUCHLINE_RFM_INTERVAL: '367d' })).toThrow(
      'TOUCHLINE_RFM_INTERVAL must be 0 (off) or a duration from 1s to 366d such as 30m, 6h or 1d, got "367d"',
    );
  });

  it('reads the tier thresholds and the read-your-writes wait', () => {
    expect(
      loadConfig({
        TOUCHLINE_TIER_VIP_SPEND: '2500.50',
        TOUCHLINE_TIER_KEY_SPEND: '0',
        TOUCHLINE_MIN_POSITION_WAIT_MS: '500',
      }),
    ).toMatchObject({ tierThresholds: { vipSpend: 2500.5, keySpend: 0 }, minPositionWaitMs: 500 });
  });

  it('refuses negative or inverted tier thresholds and an unbounded wait, naming each variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        TOUCHLINE_TIER_VIP_SPEND: '-1',
        TOUCHLINE_TIER_KEY_SPEND: 'lots',
        TOUCHLINE_MIN_POSITION_WAIT_MS: '600000',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual([
      expect.stringMatching(/^TOUCHLINE_TIER_VIP_SPEND must be a non-negative amount/),
      expect.stringMatching(/^TOUCHLINE_TIER_KEY_SPEND must be a non-negative amount/),
      expect.stringMatching(/^TOUCHLINE_MIN_POSITION_WAIT_MS must be an integer from 0 to 60000/),
    ]);
    expect(() =>
      loadConfig({ TOUCHLINE_TIER_VIP_SPEND: '100', TOUCHLINE_TIER_KEY_SPEND: '200' }),
    ).toThrow(/TOUCHLINE_TIER_KEY_SPEND \(200\) must not exceed TOUCHLINE_TIER_VIP_SPEND \(100\)/);
  });

  it('derives the profile from what is configured', () => {
    const db = 'postgres://postgres@127.0.0.1:5432/test';
    const keys = {
      TOUCHLINE_API_KEYS: 'ops:0123456789abcdef:ops',
      TOUCHLINE_MASTER_KEYS: `mk-1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    expect(loadConfig({ ...keys, DATABASE_URL: db }).profile).toBe('postgres');
    expect(
      loadConfig({ ...keys, DATABASE_URL: db, KAFKA_BROKERS: 'k1:9092,k2:9092' }),
    ).toMatchObject({
      profile: 'kafka',
      kafkaBrokers: ['k1:9092', 'k2:9092'],
    });
    expect(
      loadConfig({ ...keys, DATABASE_URL: db, EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' })
        .profile,
    ).toBe('eventstoredb');
  });

  it('reports every wrong value at once, each with a clear message', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: '70000',
        DATABASE_URL: 'mysql://x/y',
        KAFKA_BROKERS: 'nohost',
        EVENTSTORE_URL: 'http://x',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(7);
    expect(problems[0]).toMatch(/^PORT must be an integer from 1 to 65535, got "70000"/);
    expect(problems[1]).toMatch(/^DATABASE_URL must start with postgres/);
    expect(problems[2]).toMatch(/^KAFKA_BROKERS .* \(bad: nohost\)/);
    expect(problems[3]).toMatch(/^EVENTSTORE_URL must be/);
    expect(problems[4]).toMatch(/^LOG_LEVEL must be one of/);
    expect(problems[5]).toMatch(/^TOUCHLINE_API_KEYS .* is required outside the embedded profile/);
    expect(problems[6]).toMatch(
      /^TOUCHLINE_MASTER_KEYS .* is required outside the embedded profile/,
    );
    expect((error as Error).message).toContain('Invalid configuration');
  });

  it('rejects a non-numeric port and an unparsable database URL', () => {
    expect(() => loadConfig({ PORT: '30x' })).toThrow(/PORT must be an integer/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(
      /DATABASE_URL is not a valid URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://host:5432' })).toThrow(
      /must name a database/,
    );
  });

  it('parses API keys with scopes and rates, keeps only a hash of each secret, never echoes one', () => {
    const config = loadConfig({
      TOUCHLINE_API_KEYS: 'shop:s3cret-s3cret-s3cret:ingest:50, bi:another-secret-16ch:analyst+ops',
    });
    expect(config.apiKeys.map((k) => [k.id, k.scopes, k.ratePerSecond])).toEqual([
      ['shop', ['ingest'], 50],
      ['bi', ['analyst', 'ops'], 0],
    ]);
    expect(config.apiKeys[0]!.secretHash.toString('hex')).toHaveLength(64);
    expect(JSON.stringify(config)).not.toContain('s3cret');

    let error: ConfigError | undefined;
    try {
      loadConfig({
        TOUCHLINE_API_KEYS:
          'a:short:ingest,b:long-enough-secret!:root,a:long-enough-secret!:ops:x,c',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual([
      expect.stringMatching(/entry 1: the secret of key "a" must be at least 16 characters/),
      expect.stringMatching(/entry 2: key "b" has unknown scope\(s\) root/),
      expect.stringMatching(/entry 3: key id "a" appears twice/),
      expect.stringMatching(/entry 3: key "a" rate must be a number/),
      expect.stringMatching(/entry 4: malformed/),
    ]);
    expect(error?.message).not.toContain('long-enough-secret');
  });
});
