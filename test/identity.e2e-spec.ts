import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  createTestDatabase,
  describeWithPostgresServer,
  type TestDatabase,
} from '@touchline/testing';
import request from 'supertest';
import { createApiApp, readModelsCaughtUp } from './support/api-app';

/**
 * Identity end to end through the API: touchpoints ingested over HTTP for a duplicate, a survivor
 * and an anonymous visitor the survivor claims; a merge over the ops API; the profile then counts
 * everything for the survivor and the duplicate answers 307 to it; an unmerge splits them back.
 */

const INGEST = 'identity-ingest-secret-0123456789';
const ANALYST = 'identity-analyst-secret-012345678';
const OPS = 'identity-ops-secret-0123456789abcd';

describeWithPostgresServer('identity (merge, links)', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(
      db,
      {
        DATABASE_URL: db.url,
        TOUCHLINE_API_KEYS: `shop:${INGEST}:ingest,bi:${ANALYST}:analyst,ops:${OPS}:ops`,
        TOUCHLINE_MASTER_KEYS: `mk:${randomBytes(32).toString('base64')}`,
      },
      { nestBodyParser: true, noNestLogger: true },
    );
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  const call = (method: 'get' | 'post', path: string, key: string) =>
    request(app.getHttpServer())[method](path).set('Authorization', `Bearer ${key}`);
  const caughtUp = (position: string) => readModelsCaughtUp(app, position);
  const touchpoint = (type: string, day: number, ids: object, data: object) => ({
    eventId: randomUUID(),
    type,
    occurredAt: `2026-03-${String(day).padStart(2, '0')}T10:00:00Z`,
    channel: 'web',
    ...ids,
    data,
    metadata: { source: 'shop' },
  });

  it('ingest, link, merge, read, unmerge', async () => {
    const tag = randomBytes(4).toString('hex');
    const [s, m, visitor] = [`c-s-${tag}`, `c-m-${tag}`, `anon-${tag}`];
    const ingested = await call('post', '/v1/touchpoints/batch', INGEST)
      .send({
        touchpoints: [
          touchpoint(
            'purchase',
            1,
            { customerId: m },
            { orderId: `o1-${tag}`, amount: 40, currency: 'EUR' },
          ),
          touchpoint('browse', 2, { anonymousId: visitor }, { screen: 'Home' }),
          touchpoint(
            'purchase',
            3,
            { customerId: s },
            { orderId: `o2-${tag}`, amount: 60, currency: 'EUR' },
          ),
          touchpoint('identity.linked', 4, { customerId: s }, { anonymousId: visitor }),
        ],
      })
      .expect(202);
    await caughtUp(ingested.body.results.at(-1).position);

    const merged = await call('post', '/v1/ops/customers/merge', OPS)
      .send({ survivorId: s, mergedId: m, reason: 'Registered twice' })
      .expect(200);
    await caughtUp(merged.body.position);

    const survivor = await call('get', `/v1/customers/${s}`, ANALYST).expect(200);
    expect(survivor.body).toMatchObject({
      orders: 2,
      netSpend: 100,
      firstSeenAt: '2026-03-01T10:00:00.000Z',
      countsByType: { browse: 1, purchase: 2, 'identity.linked': 1 },
      ids: { anonymousIds: [visitor], mergedIds: [m], mergedInto: null, canonicalId: s },
    });
    const moved = await call('get', `/v1/customers/${m}`, ANALYST).expect(307);
    expect(moved.headers.location).toBe(`/v1/customers/${s}`);
    const journey = await call('get', `/v1/customers/${m}/timeline`, ANALYST).expect(200);
    expect(journey.body.items).toHaveLength(4);

    const replay = await call('get', `/v1/ops/customers/${m}/journey`, OPS).expect(200);
    expect([...replay.body.streams].sort()).toEqual(
      [`anonymous-${visitor}`, `customer-${m}`, `customer-${s}`].sort(),
    );

    const unmerged = await call('post', '/v1/ops/customers/unmerge', OPS)
      .send({ survivorId: s, mergedId: m, reason: 'Siblings after all' })
      .expect(200);
    await caughtUp(unmerged.body.position);
    expect((await call('get', `/v1/customers/${s}`, ANALYST).expect(200)).body).toMatchObject({
      orders: 1,
      ids: { mergedIds: [], canonicalId: s },
    });
    expect((await call('get', `/v1/customers/${m}`, ANALYST).expect(200)).body).toMatchObject({
      orders: 1,
      ids: { mergedInto: null, canonicalId: m },
    });
  }, 120_000);
});
