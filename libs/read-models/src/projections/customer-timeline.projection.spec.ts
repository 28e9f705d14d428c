import { peakEnd, textSentiment } from '@touchline/analytics';
import { projectInMemory } from '@touchline/projections';
import { emotionOf } from '../queries/get-emotion-curve/emotion';
import {
  compareTimeline,
  cutPage,
  rangesAfter,
  type TimelineCursor,
  type TimelineOrder,
} from '../queries/get-customer-timeline/timeline-page';
import type { KeyRange } from '../sql/readTimelineRanges';
import { purchase, recorded, survey, touchpoint } from '../testing/touchpoints';
import {
  customerTimelineProjection,
  timelineKey,
  timelineStreamPrefix,
  type TimelineRow,
} from './customer-timeline.projection';

const at = (d: string) => `${d}.000Z`;

function fold(events: Parameters<typeof recorded>[0]): Map<string, TimelineRow> {
  const { rows, deadLetters } = projectInMemory(customerTimelineProjection, recorded(events));
  expect(deadLetters).toEqual([]);
  return rows as unknown as Map<string, TimelineRow>;
}

describe('customer_timeline: rows and sentiment', () => {
  const bought = purchase('c-1', at('2025-05-01T09:00:00'), 80);
  const events = [
    bought,
    survey('nps', 'c-1', at('2025-05-02T09:00:00'), 10, { touchpointRef: bought.eventId }),
    touchpoint({
      type: 'survey.csat',
      customerId: 'c-1',
      at: at('2025-05-03T09:00:00'),
      sentiment: -0.2,
      data: { score: 5 },
    }),
    touchpoint({
      type: 'enquiry',
      customerId: 'c-1',
      at: at('2025-05-04T09:00:00'),
      channel: 'chat',
      data: { topic: 'returns', text: 'I love this shop, great service' },
    }),
    touchpoint({
      type: 'browse',
      anonymousId: 'a-9',
      at: at('2025-04-30T09:00:00'),
      data: { screen: 'Home' },
    }),
  ];

  it('keeps one row per touchpoint, with its sentiment and where the sentiment came from', () => {
    const rows = [...fold(events).values()].sort(compareTimeline);
    expect(rows.map((r) => [r.type, r.sentimentSource, r.sentiment])).toEqual([
      ['browse', null, null],
      ['purchase', null, null],
      ['survey.nps', 'survey', 1],
      ['survey.csat', 'explicit', -0.2],
      ['enquiry', 'text', textSentiment('I love this shop, great service').sentiment],
    ]);
    expect(rows[2]!.survey).toEqual({
      kind: 'nps',
      score: 10,
      touchpointRef: bought.eventId,
      at: at('2025-05-02T09:00:00'),
    });
    // The text gave the sentiment; the row names it as personal and does not keep it.
    expect(rows[4]!.personalFields).toEqual(['text']);
    expect(rows[4]!.data).toEqual({ topic: 'returns' });
    expect(rows[0]).toMatchObject({
      streamId: 'anonymous-a-9',
      anonymousId: 'a-9',
      customerId: null,
    });
  });

  it('keys a stream by a hex prefix, then occurredAt and revision, so keys sort in timeline order', () => {
    const key = timelineKey('customer-c-1', Date.parse('2025-05-01T09:00:00Z'), 7);
    expect(key).toMatch(/^[0-9a-f]{32}\d{25}$/);
    expect(key.startsWith(timelineStreamPrefix('customer-c-1'))).toBe(true);
    expect(timelineKey('customer-c-1', 5, 10) < timelineKey('customer-c-1', 6, 0)).toBe(true);
    expect(timelineKey('customer-c-1', 5, 9) < timelineKey('customer-c-1', 5, 10)).toBe(true);
  });
});

describe('customer_timeline: pages across the streams of a journey', () => {
  /** The database's range read, in memory (keys are hex and digits: byte order is the order). */
  const read =
    (rows: TimelineRow[], keyed: Map<TimelineRow, string>) =>
    (ranges: KeyRange[], order: TimelineOrder, limit: number) =>
      ranges.flatMap((r) =>
        rows
          .filter((row) => keyed.get(row)! > r.low && keyed.get(row)! < r.high)
          .sort((a, b) => (keyed.get(a)! < keyed.get(b)! ? -1 : 1) * (order === 'asc' ? 1 : -1))
          .slice(0, limit),
      );

  it('pages through every row once, in order, both ways, with ties across streams', () => {
    const streams = ['customer-c-1', 'anonymous-a-1', 'anonymous-a-2'];
    const rows: TimelineRow[] = [];
    // The first two streams have the same (occurredAt, revision) pairs: the stream id breaks the
    // tie. The third one interleaves with them a day later.
    for (const [s, stream] of streams.entries()) {
      for (let revision = 0; revision < 7; revision++) {
        rows.push({
          streamId: stream,
          revision,
          occurredAt: new Date(
            Date.UTC(2025, 0, 1 + Math.floor(revision / 2) + (s === 2 ? 1 : 0)),
          ).toISOString(),
        } as TimelineRow);
      }
    }
    const keyed = new Map(
      rows.map((r) => [r, timelineKey(r.streamId, Date.parse(r.occurredAt), r.revision)]),
    );
    const expected = [...rows].sort(compareTimeline);
    expect(compareTimeline(expected[0]!, expected[1]!)).toBeLessThan(0);
    expect([expected[0]!.occurredAt, expected[0]!.revision]).toEqual([
      expected[1]!.occurredAt,
      expected[1]!.revision,
    ]);
    for (const order of ['asc', 'desc'] as const) {
      for (const limit of [1, 2, 5, 100]) {
        const seen: TimelineRow[] = [];
        let cursor: TimelineCursor | null = null;
        do {
          const page = cutPage(
            read(rows, keyed)(rangesAfter(streams, cursor, order), order, limit + 1),
            order,
            limit,
          );
          seen.push(...page.items);
          cursor = page.next;
        } while (cursor !== null);
        expect(seen).toEqual(order === 'asc' ? expected : [...expected].reverse());
      }
    }
  });
});

describe('emotion curve and peak-end', () => {
  it('orders the moments as the timeline does and agrees with analytics.peakEnd', () => {
    const point = (
      occurredAt: string,
      sentiment: number,
      revision: number,
      streamId = 'customer-c',
    ) => ({
      key: '',
      streamId,
      revision,
      eventId: `e${revision}${streamId}`,
      type: 'enquiry',
      occurredAt,
      sentiment,
      source: 'text',
    });
    const points = [
      point(at('2025-01-03T00:00:00'), 0.9, 2),
      point(at('2025-01-01T00:00:00'), -0.5, 0),
      point(at('2025-01-02T00:00:00'), -0.5, 1), // ties the minimum later: the earlier one is the peak
      point(at('2025-01-04T00:00:00'), 0.1, 3),
    ];
    const { curve, peakEnd: summary } = emotionOf(points);
    expect(curve.map((p) => p.sentiment)).toEqual([-0.5, -0.5, 0.9, 0.1]);
    expect(summary.mostNegative?.at).toBe(at('2025-01-01T00:00:00'));
    expect(summary.mostPositive?.sentiment).toBe(0.9);
    expect(summary.end?.at).toBe(at('2025-01-04T00:00:00'));
    expect(summary.peakEndMean).toBeCloseTo((-0.5 + 0.9 + 0.1) / 3, 12);
    const reference = peakEnd(curve.map((p) => ({ at: new Date(p.at), sentiment: p.sentiment })));
    expect(summary.peakEndMean).toBe(reference.peakEndMean);
    expect(emotionOf([]).peakEnd).toEqual({
      mostNegative: null,
      mostPositive: null,
      end: null,
      peakEndMean: null,
    });
  });
});
