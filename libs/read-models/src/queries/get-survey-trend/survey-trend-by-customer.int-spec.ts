import { loadConfig } from '@touchline/config';
import type { Database } from '@touchline/database';
import { toEventToAppend, type JourneyEvent } from '@touchline/touchpoints';
import { parseDay } from '../../rules/calendar';
import { RfmSnapshots } from '../../rfm/rfm-snapshots.service';
import { ReadModelsHarness } from '../../testing/read-models-harness';
import { append, purchase, survey, touchpoint } from '../../testing/touchpoints';
import { GetSurveyTrendHandler } from './get-survey-trend.handler';
import { GetSurveyTrendQuery, type SurveyTrendFilter } from './get-survey-trend.query';
import type { GroupBy } from './survey-trend.dto';
import type { NpsPoint, SurveySeries } from './survey-trend';

/**
 * NPS by the tier and RF segment of the customer an answer counts for: identity resolved as the
 * profile states it (a merged duplicate's answer counts for the survivor, a linked anonymous
 * visitor's for the customer who linked it), tier and segment as they are now.
 */
describe('survey trends by tier and segment', () => {
  const h = new ReadModelsHarness();
  const at = (day: string) => `2024-${day}T12:00:00.000Z`;
  const nps = (customerId: string, day: string, score: number, channel: 'web' | 'email' = 'web') =>
    survey('nps', customerId, at(day), score, { channel });
  const anonymousNps = (anonymousId: string, day: string, score: number): JourneyEvent =>
    touchpoint({ type: 'survey.nps', anonymousId, at: at(day), data: { score } });

  const trend = (groupBy: GroupBy | null, filter: Partial<SurveyTrendFilter> = {}) =>
    new GetSurveyTrendHandler(h.db).execute(
      new GetSurveyTrendQuery(
        'nps',
        parseDay('2024-06-03')!,
        parseDay('2024-06-16')!,
        'week',
        groupBy,
        { channel: null, type: null, tier: null, segment: null, ...filter },
      ),
    );
  /** To 9 decimals: the hand computation and the library may differ in the last bit. */
  const round = (value: number | null) => (value === null ? null : Math.round(value * 1e9) / 1e9);
  /** [bucket start, n, NPS] per group. */
  const summary = (series: SurveySeries[]) =>
    Object.fromEntries(
      series.map((s) => [
        s.group,
        (s.points as (NpsPoint & { start: string })[]).map((p) => [p.start, p.n, round(p.nps)]),
      ]),
    );
  const week = (n: number, value: number | null) => [
    ['2024-06-03', n, round(value)],
    ['2024-06-10', 0, null], // the empty week: n 0, no NPS
  ];

  beforeAll(async () => {
    await h.setup();
    // V: vip (6,000 + its duplicate D's 100 after the merge), K: key (1,500), P: prospect (no
    // purchase) who linked the visitor A; U: a visitor nobody claimed.
    await append(h.store, [
      purchase('V', at('01-10'), 6000),
      purchase('K', at('02-01'), 1500),
      purchase('D', at('03-01'), 100),
      touchpoint({
        type: 'browse',
        customerId: 'P',
        at: at('01-05'),
        data: { url: 'https://shop.example/' },
      }),
      nps('V', '06-04', 10),
      nps('V', '06-05', 9),
      nps('K', '06-05', 3),
      nps('P', '06-06', 8),
      nps('D', '06-06', 0, 'email'),
      anonymousNps('A', '06-04', 6),
      anonymousNps('U', '06-05', 10),
      touchpoint({
        type: 'identity.linked',
        customerId: 'P',
        at: at('06-07'),
        data: { anonymousId: 'A' },
      }),
    ]);
    // customer.merged in both streams in one transaction, as ops records it.
    const merged = await h.store.appendToStreams(
      ['V', 'D'].map((customerId) => {
        const { streamId, event } = toEventToAppend(
          touchpoint({
            type: 'customer.merged',
            customerId,
            at: at('06-08'),
            channel: 'other',
            data: { survivorId: 'V', mergedId: 'D', reason: 'spec' },
          }),
        );
        return { streamId, events: [event], expectedRevision: 'any' as const };
      }),
    );
    await h.caughtUp(merged[1]!.events[0]!.position);
  });
  afterAll(() => h.teardown());

  it('exposes the canonical id in analytics.customer_profiles; the duplicate is a pointer row', async () => {
    const { rows } = await h.db.pool.query(
      `SELECT customer_id, canonical_id, is_canonical, merged_into FROM analytics.customer_profiles
        WHERE customer_id IN ('V', 'D', 'K') ORDER BY customer_id`,
    );
    expect(rows).toEqual([
      { customer_id: 'D', canonical_id: 'V', is_canonical: false, merged_into: 'V' },
      { customer_id: 'K', canonical_id: 'K', is_canonical: true, merged_into: null },
      { customer_id: 'V', canonical_id: 'V', is_canonical: true, merged_into: null },
    ]);
  });

  it('groups by the current tier of the customer each answer counts for', async () => {
    const result = await trend('tier');
    expect(result.groupBy).toBe('tier');
    // vip: V 10, 9 and D's 0 → 2 promoters, 1 detractor of 3; key: K 3; prospect: P 8 and A's 6;
    // unknown: U's 10. The week before the window had no answers.
    expect(summary(result.series)).toEqual({
      key: week(1, -100),
      prospect: week(2, -50),
      unknown: week(1, 100),
      vip: week(3, (100 * (2 - 1)) / 3),
    });
    const vip = result.series.find((s) => s.group === 'vip')!.points[0] as NpsPoint;
    expect(vip).toMatchObject({ promoters: 2, passives: 0, detractors: 1 });
  });

  it('filters by tier, combined with another grouping', async () => {
    expect(summary((await trend('channel', { tier: 'vip' })).series)).toEqual({
      email: week(1, -100), // D's answer, counted for V
      web: week(2, 100),
    });
    expect(summary((await trend(null, { tier: 'prospect' })).series)).toEqual({
      null: week(2, -50),
    });
    // A tier with no answers: one series of empty buckets.
    expect(summary((await trend(null, { tier: 'regular' })).series)).toEqual({
      null: [
        ['2024-06-03', 0, null],
        ['2024-06-10', 0, null],
      ],
    });
  });

  it('groups by RF segment: unscored without a snapshot, the snapshot segment with one', async () => {
    expect(summary((await trend('segment')).series)).toEqual({
      unknown: week(1, 100),
      unscored: week(6, (100 * (2 - 3)) / 6), // 10, 9, 8 | 3, 0, 6 → 2 promoters, 3 detractors
    });

    const rfm = new RfmSnapshots(
      { pool: h.db.pool } as Database,
      loadConfig({ TOUCHLINE_RFM_INTERVAL: '0', TOUCHLINE_CHURN_REFIT_INTERVAL: '0' }),
    );
    await rfm.recompute({ asOf: new Date('2024-06-30T00:00:00Z'), windowDays: 365 });
    const { rows } = await h.db.pool.query<{ customer_id: string; segment: string }>(
      `SELECT customer_id, segment FROM read_models.rfm_scores ORDER BY customer_id`,
    );
    const segmentOf = new Map(rows.map((r) => [r.customer_id, r.segment]));
    expect([...segmentOf.keys()]).toEqual(['K', 'V']); // D counts for V; P bought nothing
    // Hand-computed per customer, summed per segment (V and K may share one).
    const histograms: Array<[string, number[]]> = [
      [segmentOf.get('V')!, [10, 9, 0]],
      [segmentOf.get('K')!, [3]],
      ['unscored', [8, 6]],
      ['unknown', [10]],
    ];
    const expected: Record<string, unknown> = {};
    const scores = new Map<string, number[]>();
    for (const [segment, list] of histograms)
      scores.set(segment, [...(scores.get(segment) ?? []), ...list]);
    for (const [segment, list] of scores) {
      const promoters = list.filter((s) => s >= 9).length;
      const detractors = list.filter((s) => s <= 6).length;
      expected[segment] = week(list.length, (100 * (promoters - detractors)) / list.length);
    }
    expect(summary((await trend('segment')).series)).toEqual(expected);
    expect(summary((await trend(null, { segment: segmentOf.get('K')! })).series)).toEqual({
      null: expected[segmentOf.get('K')!],
    });
  });

  it('uses the tier a customer has now: a later purchase moves their earlier answers', async () => {
    await h.caughtUp(await append(h.store, [purchase('K', at('07-01'), 4000)]));
    expect(summary((await trend('tier')).series)).toEqual({
      prospect: week(2, -50),
      unknown: week(1, 100),
      vip: week(4, (100 * (2 - 2)) / 4), // V's 10, 9, 0 and K's 3
    });
  });
});
