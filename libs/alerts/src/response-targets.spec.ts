import {
  parseResponseTargets,
  RESPONSE_TARGET_SEVERITIES,
  RESPONSE_TARGET_TIERS,
} from '@touchline/config';
import { TIERS } from '@touchline/read-models';
import { SEVERITIES } from '@touchline/touchpoints';
import { responseTargetMs, shortestResponseTargetMs } from './response-targets';

const targets = (raw: string | undefined) => {
  const problems: string[] = [];
  const parsed = parseResponseTargets(raw, problems);
  expect(problems).toEqual([]);
  return parsed;
};

describe('first-response targets', () => {
  it('the configuration knows the same severities and tiers as the catalogue and the read models', () => {
    expect([...RESPONSE_TARGET_SEVERITIES]).toEqual([...SEVERITIES]);
    expect([...RESPONSE_TARGET_TIERS]).toEqual([...TIERS]);
  });

  it('defaults to 15 minutes for everyone', () => {
    expect(responseTargetMs(targets(undefined), 'critical', 'vip')).toBe(15 * 60_000);
    expect(responseTargetMs(targets(undefined), null, null)).toBe(15 * 60_000);
  });

  it('a pair wins; else the shorter of severity and tier; else the default', () => {
    const t = targets('default=30m,critical=5m,high=15m,vip=10m,key=20m,high+vip=12m');
    expect(responseTargetMs(t, 'high', 'vip')).toBe(12 * 60_000); // the pair, though vip is 10m
    expect(responseTargetMs(t, 'critical', 'vip')).toBe(5 * 60_000); // min(5, 10)
    expect(responseTargetMs(t, 'high', 'key')).toBe(15 * 60_000); // min(15, 20)
    expect(responseTargetMs(t, 'low', 'vip')).toBe(10 * 60_000); // the tier alone
    expect(responseTargetMs(t, 'low', 'regular')).toBe(30 * 60_000); // the default
    expect(responseTargetMs(t, 'critical', null)).toBe(5 * 60_000); // tier unknown
    expect(shortestResponseTargetMs(t)).toBe(5 * 60_000);
  });
});
