import { rfmDistribution } from './rfm-distribution';
import { scoreRfm, type RfmInput } from './rfm-scores';

const input = (
  customerId: string,
  recencyDays: number,
  frequency: number,
  monetary: number,
): RfmInput => ({
  customerId,
  lastPurchaseAt: new Date(Date.UTC(2026, 5, 30) - recencyDays * 86_400_000),
  recencyDays,
  frequency,
  monetary,
});

describe('scoreRfm', () => {
  it('scores ten distinct customers into exact quintiles, more recent meaning a higher R', () => {
    const rows = scoreRfm(
      Array.from({ length: 10 }, (_, i) => input(`c${i}`, 10 * i, i + 1, 100 * (i + 1))),
    );
    expect(rows.map((r) => r.r)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(rows.map((r) => r.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(rows.map((r) => r.m)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // (5,1) new customers, (4,2) potential loyalists, (3,3) need attention, (2,4) at risk, (1,5) can't lose
    expect(rows.map((r) => r.segment)).toEqual([
      'new_customers',
      'new_customers',
      'potential_loyalists',
      'potential_loyalists',
      'need_attention',
      'need_attention',
      'at_risk',
      'at_risk',
      'cant_lose',
      'cant_lose',
    ]);
  });

  it('gives tied values one score, at the middle of their ranks, whatever the input order', () => {
    // F = 1 1 1 1 2 3: the four 1s sit at positions 0–3 of 6: (0 + 4/2)/6 → ⌈5 · 1/3⌉ = 2;
    // 2 → (4 + ½)/6 → ⌈3.75⌉ = 4; 3 → (5 + ½)/6 → ⌈4.58⌉ = 5.
    const inputs = [
      input('a', 1, 1, 10),
      input('b', 1, 1, 10),
      input('c', 1, 1, 10),
      input('d', 1, 1, 10),
      input('e', 1, 2, 10),
      input('f', 1, 3, 10),
    ];
    const rows = scoreRfm(inputs);
    expect(rows.map((r) => r.f)).toEqual([2, 2, 2, 2, 4, 5]);
    // Everyone ties on R and M: one group in the middle, score 3 (neutral).
    expect(new Set(rows.map((r) => r.r))).toEqual(new Set([3]));
    expect(new Set(rows.map((r) => r.m))).toEqual(new Set([3]));
    expect(rows.map((r) => r.segment)).toEqual([
      'about_to_sleep',
      'about_to_sleep',
      'about_to_sleep',
      'about_to_sleep',
      'loyal',
      'loyal',
    ]);
    const reversed = scoreRfm([...inputs].reverse());
    expect(reversed.map((r) => [r.customerId, r.f]).sort()).toEqual(
      rows.map((r) => [r.customerId, r.f]).sort(),
    );
  });

  it('scores nobody when no customer has a purchase, and a single customer as neutral', () => {
    expect(scoreRfm([])).toEqual([]);
    expect(scoreRfm([input('solo', 3, 1, -5)])).toEqual([
      expect.objectContaining({ r: 3, f: 3, m: 3, segment: 'need_attention' }),
    ]);
  });
});

describe('rfmDistribution', () => {
  it('lists every score, every R × F cell and every segment, empty ones at 0', () => {
    const view = rfmDistribution(
      {
        asOf: new Date('2026-06-30T00:00:00Z'),
        computedAt: new Date('2026-06-30T00:00:05Z'),
        windowDays: 365,
        customers: 4,
        durationMs: 12,
      },
      [
        { r: 5, f: 5, m: 5, customers: 2 },
        { r: 5, f: 4, m: 1, customers: 1 },
        { r: 1, f: 1, m: 1, customers: 1 },
      ],
    );
    expect(view.r).toEqual([
      { score: 1, customers: 1 },
      { score: 2, customers: 0 },
      { score: 3, customers: 0 },
      { score: 4, customers: 0 },
      { score: 5, customers: 3 },
    ]);
    expect(view.m.map((s) => s.customers)).toEqual([2, 0, 0, 0, 2]);
    expect(view.grid).toHaveLength(25);
    expect(view.grid.slice(0, 5).map((c) => [c.f, c.customers])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 1],
      [5, 2],
    ]);
    expect(view.segments.find((s) => s.segment === 'champions')).toEqual({
      segment: 'champions',
      label: 'Champions',
      customers: 3,
    });
    expect(view.segments.find((s) => s.segment === 'hibernating')!.customers).toBe(1);
    expect(view.segments.reduce((n, s) => n + s.customers, 0)).toBe(4);
  });
});
