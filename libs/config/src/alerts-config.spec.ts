import { parseAlertsConfig, parseResponseTargets } from './alerts-config';
import { ConfigError, loadConfig } from './config';

describe('alerts configuration', () => {
  it('takes every duration from 1s to 30d, in any unit, and names the range when refusing one', () => {
    const problems: string[] = [];
    expect(
      parseResponseTargets('default=1500ms,critical=30s,high=30d,low=720h', problems),
    ).toMatchObject({
      defaultMs: 1_500,
      bySeverity: { critical: 30_000, high: 30 * 86_400_000, low: 30 * 86_400_000 },
    });
    expect(problems).toEqual([]);
    parseResponseTargets('default=999ms,critical=31d,high=0m,low=1.5h', problems);
    expect(problems).toEqual(
      ['default=999ms', 'critical=31d', 'high=0m', 'low=1.5h'].map(
        (entry) =>
          `TOUCHLINE_COMPLAINT_RESPONSE_TARGETS: "${entry}" is not <selector>=<duration> with a duration from 1s to 30d such as 30s, 15m, 2h or 1d`,
      ),
    );
  });

  it('reads default, severity, tier and severity+tier targets', () => {
    const problems: string[] = [];
    expect(
      parseResponseTargets(
        'default=20m, critical=5m,high=10m,vip=5m,key=8m,critical+vip=2m',
        problems,
      ),
    ).toEqual({
      defaultMs: 1_200_000,
      bySeverity: { critical: 300_000, high: 600_000 },
      byTier: { vip: 300_000, key: 480_000 },
      byPair: { 'critical+vip': 120_000 },
    });
    expect(problems).toEqual([]);
  });

  it('names every wrong entry', () => {
    const problems: string[] = [];
    parseResponseTargets(
      'urgent=5m,high=soon,high=5m,high=6m,vip+critical=1m,,low=1m=2m',
      problems,
    );
    expect(problems).toEqual([
      expect.stringMatching(/unknown selector "urgent"/),
      expect.stringMatching(/"high=soon" is not <selector>=<duration>/),
      expect.stringMatching(/high is given twice/),
      expect.stringMatching(/unknown selector "vip\+critical"/),
      expect.stringMatching(/"" is not <selector>=<duration>/),
      expect.stringMatching(/"low=1m=2m" is not/),
    ]);
  });

  it('webhooks need http(s) URLs and a secret of 16+ characters', () => {
    const env: Record<string, string> = {
      TOUCHLINE_ALERT_WEBHOOKS: 'https://hooks.example.com/a, http://10.0.0.1:8080/b',
      TOUCHLINE_ALERT_WEBHOOK_SECRET: 'a-secret-of-enough-length',
    };
    const problems: string[] = [];
    expect(parseAlertsConfig((n) => env[n], problems)).toMatchObject({
      webhooks: ['https://hooks.example.com/a', 'http://10.0.0.1:8080/b'],
      webhookSecret: 'a-secret-of-enough-length',
    });
    expect(problems).toEqual([]);

    let error: ConfigError | undefined;
    try {
      loadConfig({
        TOUCHLINE_ALERT_WEBHOOKS: 'https://ok.example.com/hook,ftp://x.example.com,not a url',
        TOUCHLINE_COMPLAINT_RESPONSE_TARGETS: 'critical=0m',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/TOUCHLINE_COMPLAINT_RESPONSE_TARGETS: "critical=0m"/),
        expect.stringMatching(/"ftp:\/\/x.example.com" is not an http\(s\) URL/),
        expect.stringMatching(/"not a url" is not an http\(s\) URL/),
        expect.stringMatching(/TOUCHLINE_ALERT_WEBHOOK_SECRET is required/),
      ]),
    );
    expect(() =>
      loadConfig({
        TOUCHLINE_ALERT_WEBHOOKS: 'https://a.example.com',
        TOUCHLINE_ALERT_WEBHOOK_SECRET: 'short',
      }),
    ).toThrow(/at least 16 characters/);
  });
});
