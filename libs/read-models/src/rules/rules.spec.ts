import { bucketStart, bucketStarts, formatDay, parseDay } from './calendar';
import { lifecycleStage } from './lifecycle';
import { addAmounts } from './money';
import { addSentimentDay, sentimentTrend } from './sentiment-trend';
import { customerTier } from './tier';

const thresholds = { vipSpend: 5000, keySpend: 1000 };
const day = (d: string) => `${d}T12:00:00.000Z`;

describe('tier', () => {
  it('is prospect without an order, then by lifetime net spend against the thresholds', () => {
    expect(customerTier({ orders: 0, netSpend: 0 }, thresholds)).toBe('prospect');
    // A refund without a purchase makes a negative spend: still no order, still a prospect.
    expect(customerTier({ orders: 0, netSpend: -20 }, thresholds)).toBe('prospect');
    expect(customerTier({ orders: 1, netSpend: 0 }, thresholds)).toBe('regular');
    expect(customerTier({ orders: 3, netSpend: 999.9999 }, thresholds)).toBe('regular');
    expect(customerTier({ orders: 3, netSpend: 1000 }, thresholds)).toBe('key');
    expect(customerTier({ orders: 3, netSpend: 4999.99 }, thresholds)).toBe('key');
    expect(customerTier({ orders: 9, netSpend: 5000 }, thresholds)).toBe('vip');
  });
});

describe('lifecycle stage', () => {
  const asOf = new Date('2026-01-01T00:00:00.000Z');
  const at = (daysAgo: number) => new Date(asOf.getTime() - daysAgo * 86_400_000).toISOString();
  const stage = (orders: number, purchaseDaysAgo: number | null, seenDaysAgo: number | null) =>
    lifecycleStage(
      {
        orders,
        lastPurchaseAt: purchaseDaysAgo === null ? null : at(purchaseDaysAgo),
        lastSeenAt: seenDaysAgo === null ? null : at(seenDaysAgo),
      },
      asOf,
    );

  it('without a purchase: acquisition, churned when last seen more than 365 days ago', () => {
    expect(stage(0, null, 3)).toBe('acquisition');
    expect(stage(0, null, 365)).toBe('acquisition');
    expect(stage(0, null, 365.01)).toBe('churned');
    expect(stage(0, null, null)).toBe('acquisition');
  });

  it('by recency of the last purchase first: decline after 180 days, churned after 365', () => {
    expect(stage(12, 180, 1)).toBe('maturity');
    expect(stage(12, 180.01, 1)).toBe('decline');
    expect(stage(1, 365, 1)).toBe('decline');
    expect(stage(12, 365.01, 1)).toBe('churned');
  });

  it('then by orders: 1 acquisition, 2–4 growth, 5 or more maturity', () => {
    expect(stage(1, 10, 10)).toBe('acquisition');
    expect(stage(2, 10, 10)).toBe('growth');
    expect(stage(4, 10, 10)).toBe('growth');
    expect(stage(5, 10, 10)).toBe('maturity');
  });
});

describe('money', () => {
  it('keeps sums at 4 decimals, without binary drift', () => {
    expect(addAmounts(0.1, 0.2)).toBe(0.3);
    expect(addAmounts(100.1, 250.25)).toBe(350.35);
    expect(addAmounts(350.35, -50.05)).toBe(300.3);
  });
});

describe('sentiment trend', () => {
  it('compares the mean of the last 90 days with the 90 days before, as of a day', () => {
    let days = {};
    days = addSentimentDay(days, '2025-12-31', 0.5);
    days = addSentimentDay(days, '2025-12-31', -0.1);
    days = addSentimentDay(days, '2025-10-03', 0.3); // 89 days before 2025-12-31: recent
    days = addSentimentDay(days, '2025-10-02', -0.4); // 90 days before: previous
    days = addSentimentDay(days, '2025-07-05', 0.2); // 179 days before: previous
    const trend = sentimentTrend(days, new Date('2025-12-31T18:00:00Z'));
    expect(trend.recent).toBeCloseTo((0.5 - 0.1 + 0.3) / 3, 12);
    expect(trend.previous).toBeCloseTo((-0.4 + 0.2) / 2, 12);
    expect(trend.change).toBeCloseTo((0.5 - 0.1 + 0.3) / 3 - (-0.4 + 0.2) / 2, 12);
    // Later, the recent window empties and nothing is compared.
    expect(sentimentTrend(days, new Date('2026-09-01T00:00:00Z'))).toEqual({
      recent: null,
      previous: null,
      change: null,
    });
  });

  it('keeps only the 180 days up to the newest point, whatever the order of arrival', () => {
    const points: [string, number][] = [
      ['2025-01-01', 0.1],
      ['2025-06-29', 0.2],
      ['2025-06-30', 0.3],
      ['2025-12-26', 0.4],
    ];
    const forward = points.reduce((d, [k, v]) => addSentimentDay(d, k, v), {});
    const backward = [...points].reverse().reduce((d, [k, v]) => addSentimentDay(d, k, v), {});
    expect(forward).toEqual(backward);
    // 2025-12-26 − 180 days = 2025-06-29: that day and older are gone.
    expect(Object.keys(forward).sort()).toEqual(['2025-06-30', '2025-12-26']);
  });
});

describe('calendar buckets', () => {
  it('parses only real dates', () => {
    expect(parseDay('2026-02-28')?.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('2026-2-1')).toBeNull();
  });

  it('starts weeks on Monday and months on the first, in UTC', () => {
    expect(formatDay(bucketStart(new Date(day('2026-03-15')), 'week'))).toBe('2026-03-09');
    expect(formatDay(bucketStart(new Date(day('2026-03-09')), 'week'))).toBe('2026-03-09');
    expect(formatDay(bucketStart(new Date(day('2026-03-15')), 'month'))).toBe('2026-03-01');
    expect(
      bucketStarts(parseDay('2026-01-31')!, parseDay('2026-03-01')!, 'month').map(formatDay),
    ).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
  });
});
