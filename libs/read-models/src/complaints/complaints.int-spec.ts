import { randomUUID } from 'node:crypto';
import type { Database } from '@touchline/database';
import type { JourneyEvent } from '@touchline/touchpoints';
import { append, survey, touchpoint } from '../testing/touchpoints';
import { ReadModelsHarness } from '../testing/read-models-harness';
import { COMPLAINT_CASE } from './complaint-case.projection';
import { COMPLAINT_FOLLOWUP } from './complaint-followup.projection';
import { GetComplaintServiceLevelsHandler } from './get-complaint-service-levels/get-complaint-service-levels.handler';
import { GetComplaintServiceLevelsQuery } from './get-complaint-service-levels/get-complaint-service-levels.query';

/**
 * Complaint service levels on real PostgreSQL: the projections, the view analytics.complaint_cases
 * and the query's percentile_cont, against numbers computed by hand below.
 */

const harness = new ReadModelsHarness();
beforeAll(() => harness.setup());
afterAll(() => harness.teardown());

const run = randomUUID().slice(0, 8);
const id = (name: string) => `${name}-${run}`;
const c1 = id('c1');
const c2 = id('c2');
const c3 = id('c3');

type Step = 'opened' | 'responded' | 'resolved' | 'reopened';
function complaint(
  step: Step,
  customerId: string,
  complaintId: string,
  at: string,
  extra: { category?: string; severity?: string; channel?: 'web' | 'email' | 'phone' } = {},
): JourneyEvent {
  const data: Record<string, string> = { complaintId };
  if (step === 'opened') {
    data.category = extra.category ?? 'delivery';
    data.severity = extra.severity ?? 'high';
  }
  if (step === 'resolved') data.resolution = 'fixed';
  return touchpoint({
    type: `complaint.${step}`,
    customerId,
    at,
    channel: extra.channel ?? 'web',
    data,
  });
}

const A = id('A');
const B = id('B');
const C = id('C');
const D = id('D');
const E = id('E');
const G = id('G');

/*
 * Opened on 2026-03-02 (the range asked for is 2026-03-02..2026-03-03):
 *   A c1 delivery/high/web     response +600 s,  resolved +7200 s; c1 answers a survey 24 h later
 *   B c1 billing/low/email     response +1800 s, resolved +1 h, reopened, resolved +4 h (14400 s);
 *                              the same survey is 22 h after that last resolution
 *   C c2 delivery/critical/phone response +300 s, resolved +10800 s; c2's survey 49 h later: too late
 *   D c3 delivery/high/web     no response, open
 *   G c3 delivery/medium/web   response +1200 s, resolved +3600 s; c3's survey, 1 h after the
 *                              resolution, is recorded BEFORE the resolution (a backfill)
 *   E c3 opened 2026-02-20: outside the range
 * All: first response 300, 600, 1200, 1800 → p50 900, p90 1200 + 0.7·600 = 1620;
 *      resolution 3600, 7200, 10800, 14400 → p50 9000, p90 10800 + 0.7·3600 = 13320;
 *      resolution rate 4/5, reopen rate 1/4, survey follow-up 3/4 (A, B, G).
 */
const events: JourneyEvent[] = [
  complaint('opened', c3, E, '2026-02-20T08:00:00Z'),
  complaint('opened', c1, A, '2026-03-02T10:00:00Z', { category: 'delivery', severity: 'high' }),
  complaint('opened', c1, B, '2026-03-02T10:00:00Z', {
    category: 'billing',
    severity: 'low',
    channel: 'email',
  }),
  complaint('responded', c1, A, '2026-03-02T10:10:00Z'),
  complaint('responded', c1, B, '2026-03-02T10:30:00Z'),
  complaint('resolved', c1, B, '2026-03-02T11:00:00Z'),
  complaint('resolved', c1, A, '2026-03-02T12:00:00Z'),
  complaint('reopened', c1, B, '2026-03-02T13:00:00Z'),
  complaint('responded', c1, B, '2026-03-02T13:05:00Z'),
  complaint('resolved', c1, B, '2026-03-02T14:00:00Z'),
  survey('nps', c1, '2026-03-03T12:00:00Z', 9),
  complaint('opened', c2, C, '2026-03-02T09:00:00Z', {
    category: 'delivery',
    severity: 'critical',
    channel: 'phone',
  }),
  complaint('responded', c2, C, '2026-03-02T09:05:00Z'),
  complaint('resolved', c2, C, '2026-03-02T12:00:00Z'),
  survey('csat', c2, '2026-03-04T13:00:00Z', 2),
  complaint('opened', c3, D, '2026-03-02T08:00:00Z', { category: 'delivery', severity: 'high' }),
  complaint('opened', c3, G, '2026-03-02T15:00:00Z', { category: 'delivery', severity: 'medium' }),
  complaint('responded', c3, G, '2026-03-02T15:20:00Z'),
  survey('ces', c3, '2026-03-02T17:00:00Z', 2),
  complaint('resolved', c3, G, '2026-03-02T16:00:00Z'),
];

describe('complaint service levels (hand-computed, PostgreSQL)', () => {
  let handler: GetComplaintServiceLevelsHandler;

  beforeAll(async () => {
    handler = new GetComplaintServiceLevelsHandler({ pool: harness.db.pool } as Database);
    // One append per event, so that the log order is the order above.
    let position = '';
    for (const event of events) position = await append(harness.store, [event]);
    await harness.caughtUp(position);
  });

  const levels = (groupBy: 'category' | 'severity' | 'channel' | null = null) =>
    handler.execute(
      new GetComplaintServiceLevelsQuery(
        new Date('2026-03-02T00:00:00Z'),
        new Date('2026-03-03T00:00:00Z'),
        groupBy,
      ),
    );

  it('the view: one row per complaint with its times and whether a survey followed', async () => {
    const { rows } = await harness.db.pool.query(
      `SELECT complaint_id, customer_id, state, first_response_seconds, resolution_seconds,
              reopened_count, survey_within_48h, survey_after_resolution_at
         FROM analytics.complaint_cases WHERE complaint_id = ANY($1) ORDER BY complaint_id`,
      [[A, B, C, D, E, G]],
    );
    const byId = new Map(rows.map((r) => [r.complaint_id as string, r]));
    expect(byId.get(A)).toMatchObject({
      customer_id: c1,
      state: 'resolved',
      first_response_seconds: 600,
      resolution_seconds: 7200,
      reopened_count: 0,
      survey_within_48h: true,
    });
    expect(byId.get(B)).toMatchObject({
      first_response_seconds: 1800,
      resolution_seconds: 14400,
      reopened_count: 1,
      survey_within_48h: true,
    });
    expect(byId.get(C)).toMatchObject({ resolution_seconds: 10800, survey_within_48h: false });
    expect(byId.get(C)!.survey_after_resolution_at).toBeNull();
    expect(byId.get(D)).toMatchObject({
      state: 'open',
      first_response_seconds: null,
      resolution_seconds: null,
      survey_within_48h: false,
    });
    expect(byId.get(G)).toMatchObject({ resolution_seconds: 3600, survey_within_48h: true });
    expect((byId.get(G)!.survey_after_resolution_at as Date).toISOString()).toBe(
      '2026-03-02T17:00:00.000Z',
    );
  });

  it('overall: counts, p50/p90 by percentile_cont, rates', async () => {
    const result = await levels();
    expect(result).toMatchObject({ from: '2026-03-02', to: '2026-03-03', groupBy: null });
    expect(result.groups).toEqual([]);
    expect(result.overall).toEqual({
      opened: 5,
      responded: 4,
      resolved: 4,
      reopened: 1,
      surveyedAfterResolution: 3,
      timeToFirstResponse: { p50Seconds: 900, p90Seconds: expect.closeTo(1620, 6) },
      timeToResolution: { p50Seconds: 9000, p90Seconds: expect.closeTo(13320, 6) },
      resolutionRate: 0.8,
      reopenRate: 0.25,
      surveyFollowUpRate: 0.75,
    });
  });

  it('per category: delivery (A, C, D, G) and billing (B)', async () => {
    const result = await levels('category');
    expect(result.overall.opened).toBe(5);
    expect(result.groups.map((g) => g.group)).toEqual(['billing', 'delivery']);
    const [billing, delivery] = result.groups;
    expect(billing).toEqual({
      group: 'billing',
      opened: 1,
      responded: 1,
      resolved: 1,
      reopened: 1,
      surveyedAfterResolution: 1,
      timeToFirstResponse: { p50Seconds: 1800, p90Seconds: 1800 },
      timeToResolution: { p50Seconds: 14400, p90Seconds: 14400 },
      resolutionRate: 1,
      reopenRate: 1,
      surveyFollowUpRate: 1,
    });
    // Responses 300, 600, 1200: p90 at 1.8 → 600 + 0.8·600. Resolutions 3600, 7200, 10800.
    expect(delivery).toMatchObject({
      opened: 4,
      responded: 3,
      resolved: 3,
      reopened: 0,
      surveyedAfterResolution: 2,
      timeToFirstResponse: { p50Seconds: 600, p90Seconds: expect.closeTo(1080, 6) },
      timeToResolution: { p50Seconds: 7200, p90Seconds: expect.closeTo(10080, 6) },
      resolutionRate: 0.75,
      reopenRate: 0,
      surveyFollowUpRate: expect.closeTo(2 / 3, 10),
    });
  });

  it('per severity and per channel', async () => {
    const bySeverity = await levels('severity');
    expect(bySeverity.groups.map((g) => [g.group, g.opened, g.resolved])).toEqual([
      ['critical', 1, 1],
      ['high', 2, 1],
      ['low', 1, 1],
      ['medium', 1, 1],
    ]);
    const byChannel = await levels('channel');
    expect(byChannel.groups.map((g) => [g.group, g.opened, g.surveyedAfterResolution])).toEqual([
      ['email', 1, 1],
      ['phone', 1, 0],
      ['web', 3, 2],
    ]);
  });

  it('an empty range: zero counts, null percentiles and rates', async () => {
    const result = await handler.execute(
      new GetComplaintServiceLevelsQuery(
        new Date('2020-01-01T00:00:00Z'),
        new Date('2020-01-31T00:00:00Z'),
        'category',
      ),
    );
    expect(result.overall).toMatchObject({
      opened: 0,
      timeToFirstResponse: { p50Seconds: null, p90Seconds: null },
      resolutionRate: null,
      reopenRate: null,
      surveyFollowUpRate: null,
    });
    expect(result.groups).toEqual([]);
  });

  it('a rebuild of both projections gives the same rows', async () => {
    const before = [
      await harness.viewRows(COMPLAINT_CASE),
      await harness.viewRows(COMPLAINT_FOLLOWUP),
    ];
    for (const name of [COMPLAINT_CASE, COMPLAINT_FOLLOWUP]) {
      const { generation } = await harness.engine.rebuild(name);
      await harness.engine.waitForRebuild(name, generation);
    }
    expect(await harness.viewRows(COMPLAINT_CASE)).toEqual(before[0]);
    expect(await harness.viewRows(COMPLAINT_FOLLOWUP)).toEqual(before[1]);
    expect((await levels()).overall.surveyedAfterResolution).toBe(3);
  });
});
