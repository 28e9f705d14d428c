import { randomUUID } from 'node:crypto';
import { projectInMemory, type AnyProjection } from '@touchline/projections';
import type { JourneyEvent } from '@touchline/touchpoints';
import {
  CUSTOMER_PROFILE,
  type CustomerProfileRow,
} from './projections/customer-profile.projection';
import { CUSTOMER_TIMELINE } from './projections/customer-timeline.projection';
import { READ_MODEL_PROJECTIONS } from './projections/read-model-projections';
import { SURVEY_DAILY } from './projections/survey-daily.projection';
import { GetCustomerTimelineHandler } from './queries/get-customer-timeline/get-customer-timeline.handler';
import {
  GetCustomerTimelineQuery,
  type CustomerTimelinePage,
} from './queries/get-customer-timeline/get-customer-timeline.query';
import type { TimelineCursor } from './queries/get-customer-timeline/timeline-page';
import { GetSurveyTrendHandler } from './queries/get-survey-trend/get-survey-trend.handler';
import { GetSurveyTrendQuery } from './queries/get-survey-trend/get-survey-trend.query';
import type { NpsPoint, SurveySeries } from './queries/get-survey-trend/survey-trend';
import { lifecycleStage, LIFECYCLE_STAGES } from './rules/lifecycle';
import { customerTier } from './rules/tier';
import { parseDay } from './rules/calendar';
import { ReadModelsHarness } from './testing/read-models-harness';
import { append, purchase, survey, touchpoint } from './testing/touchpoints';

const h = new ReadModelsHarness();
beforeAll(() => h.setup());
afterAll(() => h.teardown());

const scope = () => `s${randomUUID().slice(0, 8)}`;
const at = (d: string) => `${d}T10:00:00.000Z`;

/** Rows of a projection as a clean build from the whole log would make them. */
async function cleanBuild(name: string): Promise<Map<string, unknown>> {
  const definition = READ_MODEL_PROJECTIONS.find((p) => p.name === name) as AnyProjection;
  const { rows, deadLetters } = projectInMemory(definition, await h.wholeLog());
  expect(deadLetters).toEqual([]);
  return new Map([...rows].sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('read models on the engine (PostgreSQL)', () => {
  it('given events → profile rows, hand-computed, and the same in the analytics view', async () => {
    const c = `${scope()}-c`;
    const last = await append(h.store, [
      purchase(c, at('2025-01-10'), 600),
      purchase(c, at('2025-02-10'), 700.5),
      touchpoint({
        type: 'refund',
        customerId: c,
        at: at('2025-02-11'),
        data: { orderId: 'o', amount: 100.25, currency: 'EUR' },
      }),
      touchpoint({
        type: 'loyalty.earned',
        customerId: c,
        at: at('2025-02-10'),
        data: { points: 90 },
      }),
      touchpoint({
        type: 'loyalty.redeemed',
        customerId: c,
        at: at('2025-02-12'),
        data: { points: 30 },
      }),
      touchpoint({
        type: 'complaint.opened',
        customerId: c,
        at: at('2025-02-13'),
        data: { complaintId: 'K1', category: 'billing', severity: 'low' },
      }),
    ]);
    await h.caughtUp(last);
    const row = (await h.engine.getRow<CustomerProfileRow>(CUSTOMER_PROFILE, c))!;
    expect(row).toMatchObject({
      orders: 2,
      grossSpend: 1300.5,
      netSpend: 1200.25,
      averageOrderValue: 600.125,
      loyalty: { balance: 60 },
      complaints: { open: ['K1'] },
    });
    const { rows } = await h.db.pool.query(
      `SELECT net_spend::text, average_order_value::float8, loyalty_balance::int, open_complaints, tier,
              orders, last_purchase_at
         FROM analytics.customer_profiles WHERE customer_id = $1`,
      [c],
    );
    expect(rows).toEqual([
      {
        net_spend: '1200.25',
        average_order_value: 600.125,
        loyalty_balance: 60,
        open_complaints: 1,
        tier: 'key',
        orders: 2,
        last_purchase_at: new Date(at('2025-02-10')),
      },
    ]);
  });

  it('the SQL twins of tier and lifecycle agree with the TypeScript rules', async () => {
    const asOf = new Date('2026-01-01T00:00:00.000Z');
    const ago = (days: number | null) =>
      days === null ? null : new Date(asOf.getTime() - days * 86_400_000).toISOString();
    const cases: [number, number | null, number | null, number][] = [];
    for (const orders of [0, 1, 2, 4, 5, 9])
      for (const purchase of orders === 0 ? [null] : [0, 180, 180.5, 365, 365.5, 900])
        for (const seen of [null, 10, 365, 366]) cases.push([orders, purchase, seen, orders * 700]);
    const { rows } = await h.db.pool.query<{ stage: string; tier: string }>(
      `SELECT analytics.lifecycle_stage(c.orders, c.purchase, c.seen, $5) AS stage,
              analytics.customer_tier(c.spend, c.orders, 5000, 1000) AS tier
         FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[], $4::numeric[])
              WITH ORDINALITY AS c(orders, purchase, seen, spend, i)
        ORDER BY c.i`,
      [
        cases.map((c) => c[0]),
        cases.map((c) => ago(c[1])),
        cases.map((c) => ago(c[2])),
        cases.map((c) => c[3]),
        asOf.toISOString(),
      ],
    );
    const expected = cases.map(([orders, purchaseAgo, seenAgo, spend]) => ({
      stage: lifecycleStage(
        { orders, lastPurchaseAt: ago(purchaseAgo), lastSeenAt: ago(seenAgo) },
        asOf,
      ),
      tier: customerTier({ orders, netSpend: spend }, { vipSpend: 5000, keySpend: 1000 }),
    }));
    expect(rows).toEqual(expected);
    expect(new Set(expected.map((e) => e.stage))).toEqual(new Set(LIFECYCLE_STAGES));
  });

  it('the timeline reads a journey across linked streams, in order, a page at a time', async () => {
    const c = `${scope()}-c`;
    const anon = `${scope()}-a`;
    const events: JourneyEvent[] = [
      touchpoint({
        type: 'browse',
        anonymousId: anon,
        at: at('2025-03-01'),
        data: { screen: 'Home' },
      }),
      touchpoint({
        type: 'browse',
        anonymousId: anon,
        at: at('2025-03-03'),
        data: { screen: 'Cart' },
      }),
      touchpoint({
        type: 'identity.linked',
        customerId: c,
        at: at('2025-03-02'),
        data: { anonymousId: anon },
      }),
      purchase(c, at('2025-03-04'), 10),
      survey('csat', c, at('2025-03-05'), 2),
      // Recorded late, occurred early: it takes its place by occurredAt.
      touchpoint({
        type: 'enquiry',
        customerId: c,
        at: at('2025-02-28'),
        data: { topic: 'sizes', text: 'Your sizes are awful' },
      }),
    ];
    await h.caughtUp(await append(h.store, events));
    const handler = new GetCustomerTimelineHandler(h.engine, h.db);
    const types: string[] = [];
    let after: TimelineCursor | null = null;
    let first = true;
    do {
      const page: CustomerTimelinePage = (await handler.execute(
        new GetCustomerTimelineQuery(c, 'asc', after, 2),
      ))!;
      expect(page.items.length).toBeLessThanOrEqual(2);
      if (first) {
        expect(page.streams).toEqual([`customer-${c}`, `anonymous-${anon}`]);
        expect(page.summary!.sentimentPoints).toBe(2);
        expect(page.summary!.peakEnd.mostNegative!.eventId).toBe(events[5]!.eventId);
        expect(page.summary!.peakEnd.end!.eventId).toBe(events[4]!.eventId);
      } else {
        expect(page.summary).toBeNull();
      }
      first = false;
      types.push(...page.items.map((i) => `${i.type}@${i.occurredAt.slice(5, 10)}`));
      after =
        page.nextCursor === null
          ? null
          : JSON.parse(Buffer.from(page.nextCursor, 'base64url').toString());
    } while (after !== null);
    expect(types).toEqual([
      'enquiry@02-28',
      'browse@03-01',
      'identity.linked@03-02',
      'browse@03-03',
      'purchase@03-04',
      'survey.csat@03-05',
    ]);
    const newest = (await handler.execute(new GetCustomerTimelineQuery(c, 'desc', null, 1)))!;
    expect(newest.items.map((i) => i.type)).toEqual(['survey.csat']);
    expect(
      await handler.execute(new GetCustomerTimelineQuery(`${c}-nobody`, 'asc', null, 5)),
    ).toBeNull();
  });

  describe('NPS from the read models, hand-computed', () => {
    // Weeks of 2024-06-03 and 2024-06-10 (Mondays); the week before is 2024-05-27.
    const c = `${scope()}-n`;
    let deliveryId = '';
    let purchaseId = '';

    beforeAll(async () => {
      const bought = purchase(c, '2024-05-28T08:00:00.000Z', 20);
      const delivered = touchpoint({
        type: 'delivery',
        customerId: c,
        at: '2024-06-03T08:00:00.000Z',
        data: { shipmentId: 'S1', status: 'delivered' },
      });
      purchaseId = bought.eventId;
      deliveryId = delivered.eventId;
      const nps = (day: string, score: number, channel: 'web' | 'email', ref?: string) =>
        survey('nps', c, `2024-${day}T12:00:00.000Z`, score, { channel, touchpointRef: ref });
      await h.caughtUp(
        await append(h.store, [
          bought,
          delivered,
          nps('05-29', 10, 'web', purchaseId),
          nps('05-30', 6, 'web'),
          nps('06-04', 9, 'web', purchaseId),
          nps('06-05', 7, 'web', deliveryId),
          nps('06-05', 3, 'email', deliveryId),
          nps('06-07', 10, 'email', randomUUID()),
          survey('csat', c, '2024-06-05T12:00:00.000Z', 5),
        ]),
      );
    });

    const trend = (
      groupBy: 'channel' | 'type' | null,
      filter = { channel: null, type: null } as {
        channel: string | null;
        type: string | null;
      },
    ) =>
      new GetSurveyTrendHandler(h.db).execute(
        new GetSurveyTrendQuery(
          'nps',
          parseDay('2024-06-03')!,
          parseDay('2024-06-16')!,
          'week',
          groupBy,
          { tier: null, segment: null, ...filter },
        ),
      );
    const summary = (series: SurveySeries[]) =>
      series.map((s) => ({
        group: s.group,
        points: (s.points as (NpsPoint & { start: string })[]).map((p) => [p.start, p.n, p.nps]),
      }));

    it('overall: counts, NPS, change from the week before, an empty week', async () => {
      const result = await trend(null);
      expect(result).toMatchObject({ from: '2024-06-03', to: '2024-06-16', interval: 'week' });
      // 9, 7, 3, 10: 2 promoters, 1 detractor of 4 → 25; the week before 10, 6 → 0.
      expect(summary(result.series)).toEqual([
        {
          group: null,
          points: [
            ['2024-06-03', 4, 25],
            ['2024-06-10', 0, null],
          ],
        },
      ]);
      const first = result.series[0]!.points[0] as NpsPoint;
      expect(first).toMatchObject({ promoters: 2, passives: 1, detractors: 1 });
      expect(first.marginOfError).toBeCloseTo(1.96 * 100 * Math.sqrt((0.75 - 0.0625) / 4), 10);
      expect(first.change).toMatchObject({ previous: 0, change: 25, significant: false });
    });

    it('by channel, from the daily counts, equals the same from the timeline', async () => {
      const byChannel = await trend('channel');
      expect(summary(byChannel.series)).toEqual([
        {
          group: 'email',
          points: [
            ['2024-06-03', 2, 0],
            ['2024-06-10', 0, null],
          ],
        },
        {
          group: 'web',
          points: [
            ['2024-06-03', 2, 50],
            ['2024-06-10', 0, null],
          ],
        },
      ]);
      // A type filter that keeps everything takes the timeline path: same numbers.
      const viaTimeline = await Promise.all(
        ['purchase', 'delivery', 'unspecified', 'unknown'].map((type) =>
          trend('channel', { channel: null, type }),
        ),
      );
      const merged = new Map<string, number[]>();
      for (const r of viaTimeline)
        for (const s of r.series)
          merged.set(
            s.group!,
            s.points.map((p, i) => (merged.get(s.group!)?.[i] ?? 0) + p.n),
          );
      expect(Object.fromEntries(merged)).toEqual({ email: [2, 0], web: [2, 0] });
    });

    it('by the type of touchpoint answered about, and filtered by channel', async () => {
      const byType = await trend('type');
      expect(summary(byType.series)).toEqual([
        {
          group: 'delivery',
          points: [
            ['2024-06-03', 2, -50],
            ['2024-06-10', 0, null],
          ],
        },
        {
          group: 'purchase',
          points: [
            ['2024-06-03', 1, 100],
            ['2024-06-10', 0, null],
          ],
        },
        {
          group: 'unknown',
          points: [
            ['2024-06-03', 1, 100],
            ['2024-06-10', 0, null],
          ],
        },
        {
          group: 'unspecified',
          points: [
            ['2024-06-03', 0, null],
            ['2024-06-10', 0, null],
          ],
        },
      ]);
      const purchaseChange = (byType.series[1]!.points[0] as NpsPoint).change;
      expect(purchaseChange).toMatchObject({ previous: 100, change: 0 });
      const emailOnly = await trend(null, { channel: 'email', type: null });
      expect(summary(emailOnly.series)).toEqual([
        {
          group: null,
          points: [
            ['2024-06-03', 2, 0],
            ['2024-06-10', 0, null],
          ],
        },
      ]);
    });
  });

  it('analytics views survive a rebuild of every projection, and rows equal a clean build', async () => {
    const before = new Map<string, Map<string, unknown>>();
    for (const { name } of READ_MODEL_PROJECTIONS) before.set(name, await h.viewRows(name));
    for (const { name } of READ_MODEL_PROJECTIONS) {
      const started = await h.engine.rebuild(name);
      await h.engine.waitForRebuild(name, started.generation, { timeoutMs: 60_000 });
      const { rows } = await h.db.pool.query(
        'SELECT live_generation FROM projections.registry WHERE name = $1',
        [name],
      );
      expect(rows).toEqual([{ live_generation: started.generation }]);
      expect(await h.viewRows(name)).toEqual(before.get(name));
    }
    const counts = await h.db.pool.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM analytics.customer_profiles) AS profiles,
              (SELECT count(*)::int FROM analytics.timeline_events) AS events,
              (SELECT count(*)::int FROM analytics.survey_answers_daily) AS days,
              (SELECT count(*)::int FROM analytics.survey_scores_daily) AS scores,
              (SELECT count(*)::int FROM analytics.customer_identities) AS identities`,
    );
    expect(counts.rows[0]).toEqual({
      profiles: before.get(CUSTOMER_PROFILE)!.size,
      events: before.get(CUSTOMER_TIMELINE)!.size,
      days: before.get(SURVEY_DAILY)!.size,
      scores: expect.any(Number),
      identities: 1,
    });
    for (const { name } of READ_MODEL_PROJECTIONS)
      expect(await h.viewRows(name)).toEqual(await cleanBuild(name));
  });

  it('projections equal a clean rebuild after a randomized concurrent ingestion', async () => {
    const s = scope();
    const random = mulberry32(42);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const customers = Array.from({ length: 12 }, (_, i) => `${s}-${i}`);
    const channels = ['web', 'app', 'store', 'email', 'phone'] as const;
    const day = () =>
      new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 200 * 86_400_000)).toISOString();
    const make = (customer: string): JourneyEvent => {
      const channel = pick(channels);
      switch (pick(['purchase', 'refund', 'survey', 'complaint', 'loyalty', 'browse', 'enquiry'])) {
        case 'purchase':
          return purchase(customer, day(), Math.round(random() * 50_000) / 100, { channel });
        case 'refund':
          return touchpoint({
            type: 'refund',
            customerId: customer,
            at: day(),
            channel,
            data: { orderId: 'o', amount: Math.round(1 + random() * 9_999) / 100, currency: 'EUR' },
          });
        case 'survey': {
          const kind = pick(['nps', 'csat', 'ces'] as const);
          const max = { nps: 10, csat: 5, ces: 7 }[kind];
          const min = kind === 'nps' ? 0 : 1;
          return survey(kind, customer, day(), min + Math.floor(random() * (max - min + 1)), {
            channel,
          });
        }
        case 'complaint': {
          const type = pick(['complaint.opened', 'complaint.resolved', 'complaint.reopened']);
          return touchpoint({
            type,
            customerId: customer,
            at: day(),
            channel,
            data: { complaintId: `K${Math.floor(random() * 3)}`, ...COMPLAINT_DATA[type] },
          });
        }
        case 'loyalty':
          return touchpoint({
            type: pick(['loyalty.earned', 'loyalty.redeemed']),
            customerId: customer,
            at: day(),
            channel,
            data: { points: 1 + Math.floor(random() * 500) },
          });
        case 'browse':
          return touchpoint({
            type: 'browse',
            customerId: customer,
            at: day(),
            channel,
            data: { screen: 'P' },
          });
        default:
          return touchpoint({
            type: 'enquiry',
            customerId: customer,
            at: day(),
            channel,
            sentiment: random() < 0.5 ? Math.round((random() * 2 - 1) * 100) / 100 : undefined,
            data: { topic: 't', text: pick(['great, thanks', 'this is bad', 'where is it?']) },
          });
      }
    };
    // Eight writers at once, each appending small batches to random customers.
    const positions = await Promise.all(
      Array.from({ length: 8 }, async () => {
        let last = '';
        for (let i = 0; i < 15; i++) {
          const customer = pick(customers);
          last = await append(
            h.store,
            Array.from({ length: 1 + Math.floor(random() * 3) }, () => make(customer)),
          );
        }
        return last;
      }),
    );
    for (const position of positions) await h.caughtUp(position);
    for (const { name } of READ_MODEL_PROJECTIONS)
      expect(await h.viewRows(name)).toEqual(await cleanBuild(name));
  });
});

const COMPLAINT_DATA: Record<string, Record<string, string>> = {
  'complaint.opened': { category: 'billing', severity: 'low' },
  'complaint.resolved': { resolution: 'fixed' },
  'complaint.reopened': {},
};

/** A small seeded generator, so that a failure can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
