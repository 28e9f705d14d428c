import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE, DatabaseModule } from '@touchline/database';
import { EVENT_STORE, EventStoreModule, type EventStore } from '@touchline/event-store';
import { ProjectionEngine } from '@touchline/projections';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { toEventToAppend } from '@touchline/touchpoints';
import request from 'supertest';
import { READ_MODEL_PROJECTIONS } from './projections/read-model-projections';
import { ReadModelsModule } from './read-models.module';
import { append, purchase, survey, touchpoint } from './testing/touchpoints';

/**
 * The query and ops API over HTTP: ReadModelsModule with what the API app gives it (config, API
 * keys and the guard, the database, the event store), on a fresh database.
 */

const ANALYST = 'analyst-secret-0123456789abcdef';
const OPS = 'ops-secret-0123456789abcdef0123';
const INGEST = 'ingest-secret-0123456789abcdef';
/**
 * How long a query waits for X-Touchline-Min-Position. Generous: the read-your-writes test must
 * get its 200 however loaded the machine is (one append's projection, never seconds of lag); the
 * 503 test asks for a position that no append will ever reach, so it waits this long once.
 */
const WAIT_MS = 5_000;

describe('read models over HTTP', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      TOUCHLINE_API_KEYS: `a:${ANALYST}:analyst,o:${OPS}:ops,i:${INGEST}:ingest`,
      TOUCHLINE_MIN_POSITION_WAIT_MS: String(WAIT_MS),
      // No scheduled RFM/churn snapshot: the profile's rfm and churnRisk stay null here.
      TOUCHLINE_RFM_INTERVAL: '0',
      TOUCHLINE_CHURN_REFIT_INTERVAL: '0',
      TOUCHLINE_MASTER_KEYS: `test-master:${Buffer.alloc(32, 7).toString('base64')}`,
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        AuthModule,
        DatabaseModule,
        EventStoreModule,
        ReadModelsModule,
      ],
    })
      .overrideProvider(DATABASE)
      .useValue(db)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    store = app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await app?.close(); // stops the engine, then closes the pool; destroy() only drops the database
    await db?.destroy();
  });

  const get = (path: string, key: string | null = ANALYST) => {
    const req = request(app.getHttpServer()).get(path);
    return key === null ? req : req.set('Authorization', `Bearer ${key}`);
  };
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  const caughtUp = async (position: string) => {
    const result = await app
      .get(ProjectionEngine)
      .waitForPosition(['customer_profile', 'customer_timeline', 'survey_daily'], position, 30_000);
    expect(result.reached).toBe(true);
  };

  it('read-your-writes: each append is in the answer of a query that names its position', async () => {
    const c = `c-${randomUUID()}`;
    for (let i = 1; i <= 5; i++) {
      const position = await append(store, [purchase(c, daysAgo(10 - i), 10 * i)]);
      const profile = await get(`/v1/customers/${c}`).set('X-Touchline-Min-Position', position);
      expect(profile.status).toBe(200);
      expect(profile.body).toMatchObject({ customerId: c, orders: i });
      const timeline = await get(`/v1/customers/${c}/timeline?limit=500`).set(
        'X-Touchline-Min-Position',
        position,
      );
      expect(timeline.body.items).toHaveLength(i);
    }
  });

  it('answers 503 with Retry-After and the positions when the position is not reached in time', async () => {
    const c = `c-${randomUUID()}`;
    const last = await append(store, [purchase(c, daysAgo(1), 5)]);
    await caughtUp(last);
    const [tx, position] = last.split('-').map(BigInt);
    const beyond = `${tx! + 1000n}-${position! + 1000n}`;
    const started = Date.now();
    const res = await get(`/v1/customers/${c}`).set('X-Touchline-Min-Position', beyond);
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 20);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({
      statusCode: 503,
      minPosition: beyond,
      positions: { customer_profile: expect.any(String) },
    });
    const bad = await get(`/v1/customers/${c}`).set('X-Touchline-Min-Position', 'yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/X-Touchline-Min-Position "yesterday" is not a position/);
  });

  it('profile: 200 with computed fields, 404 unknown, 400 for an impossible id', async () => {
    const c = `c-${randomUUID()}`;
    const position = await append(store, [
      purchase(c, daysAgo(30), 4000),
      purchase(c, daysAgo(20), 1500),
      touchpoint({
        type: 'refund',
        customerId: c,
        at: daysAgo(19),
        data: { orderId: 'o', amount: 400, currency: 'EUR' },
      }),
      survey('nps', c, daysAgo(2), 3),
    ]);
    const res = await get(`/v1/customers/${c}`).set('X-Touchline-Min-Position', position);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      netSpend: 5100,
      averageOrderValue: 2550,
      tier: 'vip',
      lifecycleStage: 'growth',
      lastSurveys: { nps: { score: 3 } },
      rfm: null,
      churnRisk: null,
    });
    expect(res.body.sentiment.trend.recent).toBeCloseTo(-0.6, 10);
    expect((await get(`/v1/customers/c-${randomUUID()}`)).status).toBe(404);
    const invalid = await get('/v1/customers/%40me');
    expect(invalid.status).toBe(400);
  });

  it('list: filters by tier and lifecycle, sorts, pages by cursor; 400 for bad parameters', async () => {
    const s = `l${randomUUID().slice(0, 6)}`;
    const spend = [30, 2000, 700, 9000, 1500];
    let position = '';
    for (const [i, amount] of spend.entries())
      position = await append(store, [purchase(`${s}-${i}`, daysAgo(5 + i), amount)]);
    position = await append(store, [
      touchpoint({ type: 'browse', customerId: `${s}-p`, at: daysAgo(1), data: { screen: 'x' } }),
    ]);
    await caughtUp(position);
    const ours = (items: { customerId: string }[]) =>
      items.map((i) => i.customerId).filter((id) => id.startsWith(s));

    const keys = await get('/v1/customers?tier=key&sort=-netSpend&limit=500');
    expect(keys.status).toBe(200);
    expect(ours(keys.body.items)).toEqual([`${s}-1`, `${s}-4`]);
    const prospects = await get('/v1/customers?tier=prospect&lifecycle=acquisition&limit=500');
    expect(ours(prospects.body.items)).toEqual([`${s}-p`]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await get(
        `/v1/customers?sort=netSpend&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...ours(page.body.items));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([`${s}-p`, `${s}-0`, `${s}-2`, `${s}-4`, `${s}-1`, `${s}-3`]);

    for (const [query, message] of [
      ['tier=gold', /tier must be one of the following values: vip, key, regular, prospect/],
      ['lifecycle=teen', /lifecycle must be one of/],
      ['sort=spend', /sort must be one of/],
      ['limit=0', /limit must not be less than 1/],
      ['limit=many', /limit must be an integer/],
      ['teir=vip', /property teir should not exist/],
      ['cursor=abc', /cursor is not valid here/],
    ] as const) {
      const res = await get(`/v1/customers?${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    const first = await get('/v1/customers?sort=netSpend&limit=1');
    const foreign = await get(`/v1/customers?sort=orders&cursor=${first.body.nextCursor}`);
    expect(foreign.status).toBe(400);
  });

  it('timeline: cursor pagination, peak-end summary on the first page, 400 and 404', async () => {
    const c = `c-${randomUUID()}`;
    const position = await append(store, [
      touchpoint({
        type: 'enquiry',
        customerId: c,
        at: daysAgo(9),
        sentiment: -0.9,
        data: { topic: 'x' },
      }),
      purchase(c, daysAgo(8), 10),
      survey('csat', c, daysAgo(7), 5),
      touchpoint({
        type: 'enquiry',
        customerId: c,
        at: daysAgo(6),
        sentiment: 0.2,
        data: { topic: 'y' },
      }),
    ]);
    const first = await get(`/v1/customers/${c}/timeline?limit=3&order=desc`).set(
      'X-Touchline-Min-Position',
      position,
    );
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { type: string }) => i.type)).toEqual([
      'enquiry',
      'survey.csat',
      'purchase',
    ]);
    expect(first.body.summary.peakEnd).toMatchObject({
      mostNegative: { sentiment: -0.9 },
      mostPositive: { sentiment: 1, source: 'survey' },
      end: { sentiment: 0.2 },
    });
    expect(first.body.summary.peakEnd.peakEndMean).toBeCloseTo((-0.9 + 1 + 0.2) / 3, 10);
    const second = await get(
      `/v1/customers/${c}/timeline?limit=3&order=desc&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((i: { sentiment: number }) => i.sentiment)).toEqual([-0.9]);
    expect(second.body).toMatchObject({ nextCursor: null, summary: null });
    const curve = await get(`/v1/customers/${c}/emotion-curve`);
    expect(curve.body.curve.map((p: { sentiment: number }) => p.sentiment)).toEqual([-0.9, 1, 0.2]);

    const wrongOrder = await get(`/v1/customers/${c}/timeline?cursor=${first.body.nextCursor}`);
    expect(wrongOrder.status).toBe(400);
    expect((await get(`/v1/customers/${c}/timeline?limit=501`)).status).toBe(400);
    expect((await get(`/v1/customers/${c}/timeline?order=sideways`)).status).toBe(400);
    expect((await get(`/v1/customers/c-${randomUUID()}/timeline`)).status).toBe(404);
  });

  it('NPS, CSAT and CES trends: buckets, empty buckets, groupBy; 400 for bad parameters', async () => {
    const c = `c-${randomUUID()}`;
    const position = await append(store, [
      survey('nps', c, '2023-02-06T10:00:00.000Z', 10, { channel: 'email' }),
      survey('nps', c, '2023-02-07T10:00:00.000Z', 0, { channel: 'web' }),
      survey('nps', c, '2023-02-08T10:00:00.000Z', 9, { channel: 'web' }),
      survey('csat', c, '2023-02-08T10:00:00.000Z', 3, { channel: 'web' }),
      survey('ces', c, '2023-02-20T10:00:00.000Z', 6, { channel: 'web' }),
    ]);
    const nps = await get('/v1/analytics/nps?from=2023-02-06&to=2023-02-19&interval=week').set(
      'X-Touchline-Min-Position',
      position,
    );
    expect(nps.status).toBe(200);
    expect(nps.body.series).toHaveLength(1);
    expect(nps.body.series[0].points).toMatchObject([
      { start: '2023-02-06', end: '2023-02-12', n: 3, promoters: 2, detractors: 1 },
      { start: '2023-02-13', end: '2023-02-19', n: 0, nps: null, marginOfError: null },
    ]);
    expect(nps.body.series[0].points[0].nps).toBeCloseTo(100 / 3, 10);
    const byChannel = await get('/v1/analytics/nps?from=2023-02-06&to=2023-02-12&groupBy=channel');
    expect(
      byChannel.body.series.map((s: { group: string; points: { nps: number }[] }) => [
        s.group,
        s.points[0]!.nps,
      ]),
    ).toEqual([
      ['email', 100],
      ['web', 0],
    ]);
    // By the customer's current tier and RF segment (no RFM snapshot here: unscored).
    const byTier = await get('/v1/analytics/nps?from=2023-02-06&to=2023-02-12&groupBy=tier');
    expect(byTier.status).toBe(200);
    expect(byTier.body.groupBy).toBe('tier');
    const bySegment = await get(
      '/v1/analytics/nps?from=2023-02-06&to=2023-02-12&groupBy=segment&tier=prospect',
    );
    expect(bySegment.status).toBe(200);
    const groups = (body: { series: { group: string; points: { n: number }[] }[] }) =>
      body.series.map((s) => [s.group, s.points[0]!.n]);
    // c bought nothing: a prospect; no RFM snapshot has scored them.
    expect(groups(byTier.body)).toEqual([['prospect', 3]]);
    expect(groups(bySegment.body)).toEqual([['unscored', 3]]);
    const csat = await get('/v1/analytics/csat?from=2023-02-08&to=2023-02-08&interval=day');
    expect(csat.body.series[0].points).toMatchObject([{ n: 1, satisfied: 0, csat: 0, mean: 3 }]);
    const ces = await get('/v1/analytics/ces?from=2023-02-01&to=2023-02-28&interval=month');
    expect(ces.body.series[0].points).toMatchObject([{ start: '2023-02-01', n: 1, mean: 6 }]);

    for (const query of [
      'interval=year',
      'from=2023-02-30',
      'from=yesterday',
      'from=2023-03-01&to=2023-02-01',
      'groupBy=customer',
      'channel=fax',
      'from=1990-01-01&to=2023-01-01&interval=day',
      'tier=gold',
      'segment=Champions',
    ]) {
      const res = await get(`/v1/analytics/nps?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
    }
  });

  it('401 without a key, 403 without the scope, for query and ops routes', async () => {
    expect((await get('/v1/customers', null)).status).toBe(401);
    expect((await get('/v1/customers', INGEST)).status).toBe(403);
    expect((await get('/v1/customers', OPS)).status).toBe(403);
    expect((await get('/v1/analytics/nps', OPS)).status).toBe(403);
    expect((await get('/v1/ops/projections', ANALYST)).status).toBe(403);
    expect((await get('/v1/ops/projections', null)).status).toBe(401);
  });

  it('ops: status, a rebuild with its progress location, dead letters', async () => {
    const status = await get('/v1/ops/projections', OPS);
    expect(status.status).toBe(200);
    expect(status.body.map((s: { name: string }) => s.name).sort()).toEqual([
      'complaint_case',
      'complaint_followup',
      'customer_profile',
      'customer_timeline',
      'survey_daily',
    ]);
    // Each at the version its definition declares (bumped when rows or indexes change).
    for (const projection of status.body as { name: string }[]) {
      const definition = READ_MODEL_PROJECTIONS.find((p) => p.name === projection.name)!;
      expect(projection).toMatchObject({
        version: definition.version,
        state: expect.any(String),
        healthy: true,
      });
    }

    // A version no code knows cannot be read: dead-lettered, the other events go on.
    const c = `c-${randomUUID()}`;
    const future = { ...toEventToAppend(purchase(c, daysAgo(1), 1)).event, version: 99 };
    await store.appendToStream(`customer-${c}`, [future], 'any');
    const position = await append(store, [purchase(c, daysAgo(1), 2)]);
    const profile = await get(`/v1/customers/${c}`).set('X-Touchline-Min-Position', position);
    expect(profile.body.orders).toBe(1);
    const dead = await get('/v1/ops/projections/customer_profile/dead-letters?limit=10', OPS);
    expect(dead.status).toBe(200);
    expect(dead.body[0]).toMatchObject({
      eventId: future.eventId,
      reason: expect.stringMatching(/version|99/),
    });

    const rebuild = await request(app.getHttpServer())
      .post('/v1/ops/projections/survey_daily/rebuild')
      .set('Authorization', `Bearer ${OPS}`);
    expect(rebuild.status).toBe(202);
    expect(rebuild.headers.location).toBe('/v1/ops/projections/survey_daily');
    await app.get(ProjectionEngine).waitForRebuild('survey_daily', rebuild.body.generation);
    const after = await get(rebuild.headers.location!, OPS);
    expect(after.body).toMatchObject({ name: 'survey_daily', generation: rebuild.body.generation });

    expect((await get('/v1/ops/projections/nothing', OPS)).status).toBe(404);
    expect((await get('/v1/ops/projections/nothing/dead-letters', OPS)).status).toBe(404);
    const unknown = await request(app.getHttpServer())
      .post('/v1/ops/projections/nothing/rebuild')
      .set('Authorization', `Bearer ${OPS}`);
    expect(unknown.status).toBe(404);
  });

  it('documents every route in OpenAPI', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    expect(Object.keys(document.paths).sort()).toEqual([
      '/v1/analytics/ces',
      '/v1/analytics/churn',
      '/v1/analytics/churn/model',
      '/v1/analytics/churn/model/refit',
      '/v1/analytics/complaints',
      '/v1/analytics/csat',
      '/v1/analytics/nps',
      '/v1/analytics/rfm',
      '/v1/analytics/rfm/customers',
      '/v1/analytics/rfm/recompute',
      '/v1/customers',
      '/v1/customers/{id}',
      '/v1/customers/{id}/emotion-curve',
      '/v1/customers/{id}/timeline',
      '/v1/ops/projections',
      '/v1/ops/projections/{name}',
      '/v1/ops/projections/{name}/dead-letters',
      '/v1/ops/projections/{name}/rebuild',
    ]);
    const profile = document.paths['/v1/customers/{id}']!.get!;
    expect(Object.keys(profile.responses).sort()).toEqual([
      '200',
      '307',
      '400',
      '401',
      '403',
      '404',
      '429',
      '503',
    ]);
    expect(JSON.stringify(profile.parameters)).toContain('X-Touchline-Min-Position');
  });
});
