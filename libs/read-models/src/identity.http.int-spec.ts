import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE, DatabaseModule } from '@touchline/database';
import { EVENT_STORE, EventStoreModule, type EventStore } from '@touchline/event-store';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { toEventToAppend } from '@touchline/touchpoints';
import request from 'supertest';
import { READ_MODEL_PROJECTIONS } from './projections/read-model-projections';
import { ReadModelsModule } from './read-models.module';
import { ProjectionEngine } from '@touchline/projections';
import { append, purchase, touchpoint } from './testing/touchpoints';

const ANALYST = 'analyst-secret-0123456789abcdef';

/** What identity changes in the query API: a merged id points at its survivor; journeys span the group. */
describe('identity over HTTP', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      TOUCHLINE_API_KEYS: `a:${ANALYST}:analyst`,
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
    await app?.close();
    await db?.destroy();
  });

  const get = (path: string) =>
    request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${ANALYST}`);

  it('a merged id answers 307 to its survivor; its timeline is the survivor journey; lists leave it out', async () => {
    const s = `s-${randomUUID().slice(0, 8)}`;
    const m = `m-${randomUUID().slice(0, 8)}`;
    await append(store, [
      purchase(m, '2025-01-02T10:00:00.000Z', 40),
      purchase(s, '2025-01-03T10:00:00.000Z', 60),
    ]);
    const merged = [s, m].map((customerId) =>
      toEventToAppend(
        touchpoint({
          type: 'customer.merged',
          customerId,
          at: '2025-01-04T10:00:00.000Z',
          channel: 'other',
          data: { survivorId: s, mergedId: m },
        }),
      ),
    );
    const results = await store.appendToStreams(
      merged.map(({ streamId, event }) => ({ streamId, events: [event], expectedRevision: 'any' })),
    );
    const position = results[1]!.events[0]!.position;
    const reached = await app.get(ProjectionEngine).waitForPosition(
      READ_MODEL_PROJECTIONS.map((p) => p.name),
      position,
      30_000,
    );
    expect(reached.reached).toBe(true);

    const moved = await get(`/v1/customers/${m}`).expect(307);
    expect(moved.headers.location).toBe(`/v1/customers/${s}`);
    expect(moved.body).toEqual({
      statusCode: 307,
      message: `Customer ${m} was merged into ${s}; its events count for ${s}`,
      customerId: m,
      canonicalId: s,
      mergedInto: s,
    });
    const survivor = await get(moved.headers.location!).expect(200);
    expect(survivor.body).toMatchObject({
      customerId: s,
      orders: 2,
      netSpend: 100,
      ids: { mergedIds: [m], mergedInto: null, canonicalId: s, anonymousIds: [], previousIds: [] },
    });

    for (const id of [s, m]) {
      const timeline = await get(`/v1/customers/${id}/timeline`).expect(200);
      expect(timeline.body.streams).toEqual([`customer-${s}`, `customer-${m}`]);
      expect(timeline.body.items.map((i: { type: string }) => i.type)).toEqual([
        'purchase',
        'purchase',
      ]);
      const curve = await get(`/v1/customers/${id}/emotion-curve`).expect(200);
      expect(curve.body.customerId).toBe(id);
    }

    const listed = await get('/v1/customers?sort=customerId&limit=500').expect(200);
    const ids = listed.body.items.map((p: { customerId: string }) => p.customerId);
    expect(ids).toContain(s);
    expect(ids).not.toContain(m);
  });
});
