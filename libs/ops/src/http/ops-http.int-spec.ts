import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import request from 'supertest';
import { KEYS, opsHttpApp } from '../testing/ops-http-app';

describe('ops HTTP routes', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: EventStore;
  const customerId = `c-${randomUUID()}`;
  let firstRecordedAt: Date;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await opsHttpApp(db);
    store = app.get(EVENT_STORE);

    await store.appendToStream(
      `customer-${customerId}`,
      [1, 2, 3].map((n) => ({
        eventId: randomUUID(),
        type: 'purchase',
        data: { orderId: `o-${n}`, amount: n * 10 },
        metadata: { source: 'shop-backend', correlationId: `checkout-${n}` },
        occurredAt: new Date(Date.UTC(2026, 2, n)),
      })),
      'no_stream',
    );
    firstRecordedAt = (await store.readStream(`customer-${customerId}`))[0]!.recordedAt;
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  const get = (path: string, key?: keyof typeof KEYS) => {
    const call = request(app.getHttpServer()).get(path);
    return key ? call.set('Authorization', `Bearer ${KEYS[key]}`) : call;
  };

  const routes = () => [
    `/v1/ops/customers/${customerId}/journey`,
    `/v1/ops/verify/${customerId}`,
    '/v1/ops/audit?limit=5',
    `/v1/ops/customers/${customerId}/export`,
  ];

  it('every route: 401 without a key, 403 for ingest and analyst keys, 200 for ops and admin', async () => {
    for (const path of routes()) {
      expect((await get(path)).status).toBe(401);
      expect((await get(path, 'ingest')).status).toBe(403);
      expect((await get(path, 'analyst')).status).toBe(403);
      expect((await get(path, 'ops')).status).toBe(200);
      expect((await get(path, 'admin')).status).toBe(200);
    }
  });

  it('journey: the events with their times, producer, ids, and the chain check', async () => {
    const response = await get(`/v1/ops/customers/${customerId}/journey`, 'ops').expect(200);
    expect(response.body).toMatchObject({
      customerId,
      asOf: null,
      recorded: 3,
      integrity: { ok: true, streams: [{ streamId: `customer-${customerId}`, ok: true }] },
    });
    expect(response.body.events).toHaveLength(3);
    expect(response.body.events[0]).toMatchObject({
      revision: 0,
      type: 'purchase',
      version: 1,
      producer: 'shop-backend',
      correlationId: 'checkout-1',
      causationId: null,
      occurredAt: '2026-03-01T00:00:00.000Z',
      data: { orderId: 'o-1', amount: 10 },
    });
    expect(Date.parse(response.body.events[0].recordedAt)).toBe(firstRecordedAt.getTime());

    const window = await get(
      `/v1/ops/customers/${customerId}/journey?from=2026-03-02&to=2026-03-03T00:00:00Z&asOf=${firstRecordedAt.toISOString()}`,
      'ops',
    ).expect(200);
    expect(window.body.events.map((e: { data: { orderId: string } }) => e.data.orderId)).toEqual([
      'o-2',
    ]);
  });

  it('journey: 400 for a bad date, naming the parameter; 404 when nothing was recorded by then', async () => {
    const path = `/v1/ops/customers/${customerId}/journey`;
    for (const [query, parameter] of [
      ['asOf=yesterday', 'asOf'],
      ['from=2026-02-30', 'from'],
      ['to=2026-03-01T12:00:00', 'to'],
      ['asOf=2026-03-01&asOf=2026-03-02', 'asOf'],
    ] as const) {
      const response = await get(`${path}?${query}`, 'ops').expect(400);
      expect(response.body.message).toContain(parameter);
    }
    const reversed = await get(`${path}?from=2026-03-02&to=2026-03-01`, 'ops').expect(400);
    expect(reversed.body.message).toBe('from must be before to');

    const before = new Date(firstRecordedAt.getTime() - 1).toISOString();
    const notYet = await get(`${path}?asOf=${before}`, 'ops').expect(404);
    expect(notYet.body.message).toBe(
      `No events of customer ${customerId} recorded as of ${before}`,
    );
    await get(`/v1/ops/customers/c-${randomUUID()}/journey`, 'ops').expect(404);
    await get('/v1/ops/customers/someone@example.com/journey', 'ops').expect(400);
  });

  it('verify: ok, then the first broken link once a row is tampered with; 404 for no stream', async () => {
    const other = `c-${randomUUID()}`;
    await store.appendToStream(
      `customer-${other}`,
      [1, 2].map((n) => ({ eventId: randomUUID(), type: 'purchase', data: { amount: n } })),
      'no_stream',
    );
    expect((await get(`/v1/ops/verify/${other}`, 'ops').expect(200)).body).toEqual({
      streamId: `customer-${other}`,
      events: 2,
      ok: true,
      headChecked: true,
    });
    await db.pool.query(
      `DELETE FROM touchline.events WHERE stream_id = $1 AND stream_revision = 0`,
      [`customer-${other}`],
    );
    const broken = await get(`/v1/ops/verify/${other}`, 'admin').expect(200);
    expect(broken.body).toMatchObject({
      ok: false,
      events: 1,
      firstBroken: { revision: 0, reason: 'deleted' },
    });
    await get(`/v1/ops/verify/c-${randomUUID()}`, 'ops').expect(404);
  });

  it('audit: every ops action is recorded with the key, target and outcome; refused calls are not actions', async () => {
    await get('/v1/ops/audit?limit=0', 'ops').expect(400);
    const target = `c-${randomUUID()}`;
    await get(`/v1/ops/customers/${target}/journey`, 'ops').expect(404);
    await get(`/v1/ops/verify/${customerId}`, 'admin').expect(200);
    await get(`/v1/ops/verify/${customerId}`, 'ingest').expect(403);

    const { body } = await get('/v1/ops/audit?limit=3', 'ops').expect(200);
    expect(body.entries).toHaveLength(3);
    expect(body.entries[0]).toMatchObject({
      actor: { kind: 'api_key', id: 'root' },
      action: 'chain.verify',
      target: customerId,
      outcome: 'succeeded',
      detail: { ok: true, events: 3 },
    });
    expect(body.entries[1]).toMatchObject({
      actor: { kind: 'api_key', id: 'ops' },
      action: 'journey.replay',
      target,
      outcome: 'not_found',
    });
    expect(typeof body.nextBefore).toBe('number');

    const next = await get(`/v1/ops/audit?limit=1`, 'ops').expect(200);
    expect(next.body.entries[0]).toMatchObject({
      action: 'audit.list',
      detail: { limit: 3, entries: 3 },
    });
    const actors = new Set<string>();
    for (let before: number | null = null; ;) {
      const page = await get(
        `/v1/ops/audit?limit=500${before === null ? '' : `&before=${before}`}`,
        'ops',
      );
      for (const entry of page.body.entries) actors.add(entry.actor.id);
      if (page.body.nextBefore === null) break;
      before = page.body.nextBefore;
    }
    expect([...actors].sort()).toEqual(['ops', 'root']);
  });
});
