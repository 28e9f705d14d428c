import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE, DatabaseModule } from '@touchline/database';
import { EVENT_STORE, EventStoreModule, type EventStore } from '@touchline/event-store';
import { ProjectionEngine } from '@touchline/projections';
import { ReadModelsModule } from '@touchline/read-models';
import { createTestDatabase, waitFor, type TestDatabase } from '@touchline/testing';
import request from 'supertest';
import { firstResponseMissedAlertId } from './alert';
import { AlertsModule } from './alerts.module';
import { ALERTS_CLOCK } from './clock';
import { FirstResponseMonitor } from './detection/first-response-monitor';
import { appendAll, journeyEvent } from './testing/alerts-harness';

/**
 * AlertsModule as the API wires it (with the read models beside it): events in, alerts listed
 * over HTTP; the first-response target of a VIP read through analytics.customer_profiles; the
 * complaint service levels route; clear 400s, 401 and 403.
 */

const ANALYST = 'analyst-secret-0123456789abcdef';
const INGEST = 'ingest-secret-0123456789abcdef';

describe('alerts over HTTP (AlertsModule + ReadModelsModule, PostgreSQL)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: EventStore;
  let now = new Date('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      TOUCHLINE_API_KEYS: `a:${ANALYST}:analyst,i:${INGEST}:ingest`,
      TOUCHLINE_COMPLAINT_RESPONSE_TARGETS: 'default=1h,vip=2m',
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        AuthModule,
        DatabaseModule,
        EventStoreModule,
        ReadModelsModule,
        AlertsModule,
      ],
    })
      .overrideProvider(DATABASE)
      .useValue(db)
      .overrideProvider(ALERTS_CLOCK)
      .useValue(() => now)
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

  it('a detractor answer and a VIP complaint left unanswered are listed with reasons and delivery state', async () => {
    const c = `vip-${randomUUID().slice(0, 8)}`;
    const complaintId = `k-${randomUUID().slice(0, 8)}`;
    const position = await appendAll(store, [
      journeyEvent({
        type: 'purchase',
        customerId: c,
        at: '2026-02-01T10:00:00Z',
        data: { orderId: 'o-1', amount: 6000, currency: 'EUR' },
      }),
      journeyEvent({
        type: 'complaint.opened',
        customerId: c,
        at: '2026-03-02T10:00:00Z',
        channel: 'phone',
        data: { complaintId, category: 'delivery', severity: 'low' },
      }),
      journeyEvent({
        type: 'survey.nps',
        customerId: c,
        at: '2026-03-02T09:00:00Z',
        data: { score: 4 },
      }),
    ]);
    const reached = await app
      .get(ProjectionEngine)
      .waitForPosition(['customer_profile', 'complaint_case'], position, 30_000);
    expect(reached.reached).toBe(true);
    await waitFor(
      async () => {
        const page = await get(`/v1/analytics/alerts?customerId=${c}&kind=detractor`);
        return page.body.items?.length === 1 ? true : undefined;
      },
      { what: 'the detractor alert' },
    );

    // A VIP (net spend 6000 ≥ 5000): 2 minutes, not the default hour.
    now = new Date('2026-03-02T10:02:00Z');
    // The module's own timer may get there first (same clock): either way, one alert.
    await waitFor(
      async () => {
        await app.get(FirstResponseMonitor).checkOnce();
        const listed = await get(
          `/v1/analytics/alerts?customerId=${c}&kind=complaint.first-response-missed`,
        );
        return listed.body.items?.length === 1 ? true : undefined;
      },
      { what: 'the first-response alert' },
    );

    const page = await get(`/v1/analytics/alerts?customerId=${c}`);
    expect(page.status).toBe(200);
    expect(page.body.nextCursor).toBeNull();
    expect(page.body.items.map((a: { kind: string }) => a.kind)).toEqual([
      'complaint.first-response-missed',
      'detractor',
    ]);
    expect(page.body.items[0]).toMatchObject({
      id: firstResponseMissedAlertId(complaintId),
      customerId: c,
      occurredAt: '2026-03-02T10:02:00.000Z',
      reasons: [
        `No first response to complaint ${complaintId} within its target of 2 min (severity low, tier vip)`,
      ],
      data: { complaintId, tier: 'vip', channel: 'phone' },
      // No Kafka, no webhooks configured: stored and listed, nothing to deliver.
      deliveries: [],
    });

    const levels = await get(
      '/v1/analytics/complaints?from=2026-03-01&to=2026-03-02&groupBy=channel',
    );
    expect(levels.status).toBe(200);
    expect(levels.body.overall).toMatchObject({ opened: 1, responded: 0, resolutionRate: 0 });
    expect(levels.body.groups).toMatchObject([{ group: 'phone', opened: 1 }]);
  });

  it('answers 400 for bad parameters, 401 without a key and 403 without the analyst scope', async () => {
    for (const path of [
      '/v1/analytics/alerts?kind=unhappy',
      '/v1/analytics/alerts?limit=0',
      '/v1/analytics/alerts?limit=501',
      '/v1/analytics/alerts?since=yesterday',
      '/v1/analytics/alerts?cursor=bm90LWEtY3Vyc29y',
      '/v1/analytics/alerts?customerId=a%20b',
      '/v1/analytics/alerts?teir=vip',
      '/v1/analytics/complaints?groupBy=agent',
      '/v1/analytics/complaints?from=2026-02-30',
      '/v1/analytics/complaints?from=2026-03-05&to=2026-03-01',
      '/v1/analytics/complaints?from=2000-01-01&to=2026-01-01',
    ]) {
      const response = await get(path);
      expect([path, response.status]).toEqual([path, 400]);
    }
    expect((await get('/v1/analytics/alerts', null)).status).toBe(401);
    expect((await get('/v1/analytics/alerts', INGEST)).status).toBe(403);
    expect((await get('/v1/analytics/complaints', INGEST)).status).toBe(403);
  });
});
