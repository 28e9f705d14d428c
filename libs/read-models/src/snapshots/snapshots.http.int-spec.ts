import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE, DatabaseModule } from '@touchline/database';
import { EVENT_STORE, EventStoreModule, type EventStore } from '@touchline/event-store';
import { ProjectionEngine } from '@touchline/projections';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import request from 'supertest';
import { ReadModelsModule } from '../read-models.module';
import { READ_MODEL_PROJECTIONS } from '../projections/read-model-projections';
import { append, purchase, survey, touchpoint } from '../testing/touchpoints';

/** The RFM and churn routes, and their fields in the customer API, over HTTP. */

const ANALYST = 'analyst-secret-0123456789abcdef';
const OPS = 'ops-secret-0123456789abcdef0123';
const INGEST = 'ingest-secret-0123456789abcdef';
const AS_OF = '2026-06-30T00:00:00.000Z';

describe('RFM and churn over HTTP', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      TOUCHLINE_API_KEYS: `a:${ANALYST}:analyst,o:${OPS}:ops,i:${INGEST}:ingest`,
      TOUCHLINE_MASTER_KEYS: `test-master:${Buffer.alloc(32, 7).toString('base64')}`,
      // Computed on demand only, so that each step below knows what the snapshots hold.
      TOUCHLINE_RFM_INTERVAL: '0',
      TOUCHLINE_CHURN_REFIT_INTERVAL: '0',
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
    await app?.close();
    await db?.destroy();
  });

  const get = (path: string, key: string | null = ANALYST) => {
    const req = request(app.getHttpServer()).get(path);
    return key === null ? req : req.set('Authorization', `Bearer ${key}`);
  };
  const post = (path: string, body: object, key: string | null = OPS) => {
    const req = request(app.getHttpServer()).post(path).send(body);
    return key === null ? req : req.set('Authorization', `Bearer ${key}`);
  };
  const caughtUp = async (position: string) => {
    const names = READ_MODEL_PROJECTIONS.map((p) => p.name);
    const result = await app.get(ProjectionEngine).waitForPosition(names, position, 30_000);
    expect(result.reached).toBe(true);
  };
  const pages = async (path: string): Promise<{ customerId: string }[]> => {
    const items: { customerId: string }[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: request.Response = await get(
        `${path}${separator}limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return items;
  };

  it('answers 401 without a key and 403 without the scope (reads: analyst; recompute and refit: ops)', async () => {
    expect((await get('/v1/analytics/rfm', null)).status).toBe(401);
    expect((await get('/v1/analytics/churn', INGEST)).status).toBe(403);
    expect((await get('/v1/analytics/churn/model', OPS)).status).toBe(403);
    expect((await post('/v1/analytics/rfm/recompute', {}, null)).status).toBe(401);
    expect((await post('/v1/analytics/rfm/recompute', {}, ANALYST)).status).toBe(403);
    expect((await post('/v1/analytics/churn/model/refit', {}, ANALYST)).status).toBe(403);
  });

  it('before any snapshot: 404 for the distribution and the model, empty lists, 409 for nothing to fit', async () => {
    expect((await get('/v1/analytics/rfm')).status).toBe(404);
    expect((await get('/v1/analytics/churn/model')).status).toBe(404);
    expect((await get('/v1/analytics/churn')).body).toEqual({
      asOf: null,
      items: [],
      nextCursor: null,
    });
    expect((await get('/v1/analytics/rfm/customers')).body).toEqual({
      asOf: null,
      items: [],
      nextCursor: null,
    });
    const refit = await post('/v1/analytics/churn/model/refit', {});
    expect(refit.status).toBe(409);
    expect(refit.body.message).toMatch(/nothing to fit/);
    expect((await get('/v1/analytics/churn/model')).status).toBe(404);
  });

  it('400 for a bad asOf or body, and nothing is written', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    for (const [path, body, message] of [
      ['/v1/analytics/rfm/recompute', { asOf: 'yesterday' }, /asOf must be a valid ISO 8601/],
      ['/v1/analytics/rfm/recompute', { asOf: future }, /is in the future/],
      [
        '/v1/analytics/rfm/recompute',
        { asOf: '2026-02-30T00:00:00Z' },
        /asOf must be a valid ISO 8601/,
      ],
      ['/v1/analytics/rfm/recompute', { windowDays: 0 }, /windowDays must not be less than 1/],
      ['/v1/analytics/rfm/recompute', { asof: AS_OF }, /property asof should not exist/],
      ['/v1/analytics/churn/model/refit', { asOf: 42 }, /asOf must be a valid ISO 8601/],
      ['/v1/analytics/churn/model/refit', { asOf: future }, /is in the future/],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    expect((await get('/v1/analytics/rfm')).status).toBe(404);
    expect((await get('/v1/analytics/churn/model')).status).toBe(404);
  });

  it('recomputes RFM as of a date and serves the distribution, the segments and the profiles', async () => {
    await caughtUp(
      await append(store, [
        purchase('a', '2026-06-20T00:00:00Z', 100),
        purchase('a', '2026-05-01T00:00:00Z', 50),
        purchase('b', '2026-06-20T12:00:00Z', 100),
        purchase('c', '2026-06-20T00:00:00Z', 100),
        purchase('c', '2026-07-05T00:00:00Z', 1000), // after asOf: ignored
        purchase('d', '2025-01-01T00:00:00Z', 200),
        purchase('f', '2026-06-29T00:00:00Z', 10),
        purchase('f', '2026-06-29T06:00:00Z', 10),
        purchase('f', '2026-06-29T12:00:00Z', 10),
        survey('nps', 'e', '2026-06-01T00:00:00Z', 9),
      ]),
    );
    const recomputed = await post('/v1/analytics/rfm/recompute', { asOf: '2026-06-30T00:00:00Z' });
    expect(recomputed.status).toBe(200);
    const distribution = await get('/v1/analytics/rfm');
    expect(distribution.status).toBe(200);
    expect(distribution.body).toEqual(recomputed.body);
    const body = distribution.body;
    expect(body).toMatchObject({ asOf: AS_OF, windowDays: 365, customers: 5 });
    // R: d | a, c | b | f → 1 | 2, 2 | 4 | 5; F: d 0 | b, c 1 | a 2 | f 3 → 1 | 2, 2 | 4 | 5
    expect(body.r).toEqual(
      [1, 2, 3, 4, 5].map((score) => ({ score, customers: [1, 2, 0, 1, 1][score - 1] })),
    );
    expect(body.f).toEqual(
      [1, 2, 3, 4, 5].map((score) => ({ score, customers: [1, 2, 0, 1, 1][score - 1] })),
    );
    expect(body.grid).toHaveLength(25);
    expect(body.grid[0]).toEqual({
      r: 5,
      f: 1,
      segment: 'new_customers',
      label: 'New Customers',
      customers: 0,
    });
    expect(body.grid.find((c: { r: number; f: number }) => c.r === 5 && c.f === 5)).toMatchObject({
      segment: 'champions',
      customers: 1,
    });
    const segments = Object.fromEntries(
      body.segments.map((s: { segment: string; customers: number }) => [s.segment, s.customers]),
    );
    expect(segments).toEqual({
      champions: 1,
      loyal: 0,
      potential_loyalists: 1,
      new_customers: 0,
      promising: 0,
      need_attention: 0,
      about_to_sleep: 0,
      at_risk: 1,
      cant_lose: 0,
      hibernating: 2,
    });

    const hibernating = await pages('/v1/analytics/rfm/customers?segment=hibernating');
    // By monetary within the window, descending, ties by id: c 100, d 0 (bought before the window)
    expect(hibernating.map((c) => c.customerId)).toEqual(['c', 'd']);
    const everyone = await pages('/v1/analytics/rfm/customers');
    expect(everyone.map((c) => c.customerId)).toEqual(['a', 'b', 'c', 'f', 'd']);

    const profile = await get('/v1/customers/a');
    expect(profile.body.rfm).toEqual({
      recency: 10,
      frequency: 2,
      monetary: 150,
      r: 2,
      f: 4,
      m: 5, // M: d 0 | f 30 | b, c 100 | a 150 → 1 | 2 | 3, 3 | 5
      segment: 'at_risk',
      asOf: AS_OF,
    });
    expect((await get('/v1/customers/e')).body.rfm).toBeNull();
    const listed = await get('/v1/customers?segment=hibernating&sort=customerId');
    expect(listed.body.items.map((i: { customerId: string }) => i.customerId)).toEqual(['c', 'd']);
    expect(listed.body.items[0].rfm).toMatchObject({ segment: 'hibernating', asOf: AS_OF });
  });

  it('400 for a bad segment, band, sort or cursor', async () => {
    const first = await get('/v1/analytics/rfm/customers?limit=1');
    for (const [path, message] of [
      ['/v1/analytics/rfm/customers?segment=whales', /segment must be one of the following values/],
      ['/v1/analytics/rfm/customers?cursor=abc', /cursor is not valid here/],
      [
        `/v1/analytics/rfm/customers?segment=champions&cursor=${first.body.nextCursor}`,
        /cursor is not valid here/,
      ],
      ['/v1/analytics/rfm/customers?limit=501', /limit must not be greater than 500/],
      [
        '/v1/analytics/churn?band=severe',
        /band must be one of the following values: low, medium, high, critical/,
      ],
      ['/v1/analytics/churn?cursor=eyJ4IjoxfQ', /cursor is not valid here/],
      ['/v1/customers?segment=whales', /segment must be one of/],
      ['/v1/customers?risk=severe', /risk must be one of/],
      ['/v1/customers?sort=-risk', /sort must be one of/],
    ] as const) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
  });

  it('refits the churn model as of a date and lists customers by value at risk, with reasons', async () => {
    await caughtUp(
      await append(store, [
        purchase('a', '2026-03-01T00:00:00Z', 70),
        purchase('b', '2026-01-15T00:00:00Z', 120),
        purchase('b', '2026-02-15T00:00:00Z', 80),
        survey('nps', 'b', '2026-06-01T00:00:00Z', 1),
        touchpoint({
          type: 'complaint.opened',
          customerId: 'b',
          at: '2026-06-02T00:00:00Z',
          data: { complaintId: 'CMP-b', category: 'delivery', severity: 'high' },
        }),
        purchase('d', '2024-06-01T00:00:00Z', 90),
      ]),
    );
    const refit = await post('/v1/analytics/churn/model/refit', { asOf: AS_OF });
    expect(refit.status).toBe(200);
    const model = await get('/v1/analytics/churn/model');
    expect(model.status).toBe(200);
    const { bandRises, ...body } = refit.body;
    expect(body).toEqual(model.body);
    expect(bandRises).toEqual([]);
    expect(model.body).toMatchObject({
      asOf: AS_OF,
      timeUnit: 'day',
      customers: 5,
      bgnbd: {
        r: expect.any(Number),
        alpha: expect.any(Number),
        a: expect.any(Number),
        b: expect.any(Number),
        logLikelihood: expect.any(Number),
      },
      gammaGamma: { p: expect.any(Number), q: expect.any(Number), gamma: expect.any(Number) },
    });

    const all = (await get('/v1/analytics/churn?limit=500')).body;
    expect(all.asOf).toBe(AS_OF);
    expect(all.items).toHaveLength(5);
    const values = all.items.map((i: { valueAtRisk: number }) => i.valueAtRisk);
    expect(values).toEqual([...values].sort((p, q) => q - p));
    const b = all.items.find((i: { customerId: string }) => i.customerId === 'b');
    expect(b.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['detractor', 'unresolved_complaints']),
    );
    expect(b.valueAtRisk).toBeCloseTo((b.score / 100) * b.clv12m, 6);
    const paged = await pages('/v1/analytics/churn');
    expect(paged.map((i) => i.customerId)).toEqual(
      all.items.map((i: { customerId: string }) => i.customerId),
    );
    const band = b.band as string;
    const inBand = (await get(`/v1/analytics/churn?band=${band}`)).body.items;
    expect(inBand.every((i: { band: string }) => i.band === band)).toBe(true);
    expect(inBand.map((i: { customerId: string }) => i.customerId)).toContain('b');

    const profile = await get('/v1/customers/b');
    expect(profile.body.churnRisk).toEqual({
      score: b.score,
      band: b.band,
      pAlive: b.pAlive,
      expectedPurchases90d: b.expectedPurchases90d,
      expectedOrderValue: b.expectedOrderValue,
      clv12m: b.clv12m,
      valueAtRisk: b.valueAtRisk,
      reasons: b.reasons,
      asOf: AS_OF,
    });
    expect((await get('/v1/customers/e')).body.churnRisk).toBeNull();
    const byRisk = await get(`/v1/customers?risk=${band}&sort=-valueAtRisk`);
    expect(byRisk.body.items.map((i: { customerId: string }) => i.customerId)).toContain('b');
    const sorted = await pages('/v1/customers?sort=-churnRisk');
    const scores = sorted.map(
      (i) => (i as unknown as { churnRisk: { score: number } }).churnRisk.score,
    );
    expect(scores).toEqual([...scores].sort((p, q) => q - p));
    expect(sorted).toHaveLength(5); // e has no churn score and is not listed under this sort
  });

  it('pages one snapshot: a cursor of a snapshot replaced since is a 409, never a mix', async () => {
    const lists = [
      ['/v1/analytics/rfm/customers?limit=2', '/v1/analytics/rfm/recompute', 'RFM'],
      ['/v1/analytics/churn?limit=2', '/v1/analytics/churn/model/refit', 'churn'],
    ] as const;
    for (const [list, replace, what] of lists) {
      const first = await get(list);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect((await get(`${list}&cursor=${first.body.nextCursor}`)).status).toBe(200);
      // Replaced as of the same instant: the same asOf, another snapshot.
      expect((await post(replace, { asOf: AS_OF })).status).toBe(200);
      const stale = await get(`${list}&cursor=${first.body.nextCursor}`);
      expect(stale.status).toBe(409);
      expect(stale.body.message).toMatch(
        new RegExp(
          `^The ${what} snapshot this cursor pages through \\(computed at .+\\) has been replaced by the one computed at .+: start again from the first page$`,
        ),
      );
      const again = await get(list);
      expect(again.body.asOf).toBe(AS_OF);
      expect((await get(`${list}&cursor=${again.body.nextCursor}`)).status).toBe(200);
    }
  });
});
