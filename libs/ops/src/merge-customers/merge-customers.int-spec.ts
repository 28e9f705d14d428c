import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { PrivacyModule } from '@touchline/privacy';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import request from 'supertest';
import { listAudit } from '../audit/ops-audit';
import { KEYS, opsHttpApp } from '../testing/ops-http-app';

describe('customer merge and unmerge (HTTP, PostgreSQL)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await opsHttpApp(db, [PrivacyModule]);
    store = app.get(EVENT_STORE);
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  const customer = async (label: string): Promise<string> => {
    const id = `${label}-${randomUUID().slice(0, 8)}`;
    await store.appendToStream(
      `customer-${id}`,
      [
        {
          eventId: randomUUID(),
          type: 'purchase',
          data: { orderId: `o-${id}`, amount: 10, currency: 'EUR' },
          metadata: { channel: 'web', customerId: id, source: 'shop' },
          occurredAt: new Date(Date.UTC(2026, 0, 1)),
        },
      ],
      'no_stream',
    );
    return id;
  };
  const post = (path: string, body: unknown, key?: keyof typeof KEYS) => {
    const call = request(app.getHttpServer())
      .post(path)
      .send(body as object);
    return key ? call.set('Authorization', `Bearer ${KEYS[key]}`) : call;
  };
  const merge = (body: unknown, key: keyof typeof KEYS = 'ops') =>
    post('/v1/ops/customers/merge', body, key);
  const unmerge = (body: unknown, key: keyof typeof KEYS = 'ops') =>
    post('/v1/ops/customers/unmerge', body, key);
  const streamLength = async (id: string) => (await store.readStream(`customer-${id}`)).length;

  it('both routes: 401 without a key, 403 for ingest and analyst keys; nothing written', async () => {
    const [s, m] = [await customer('s'), await customer('m')];
    const body = { survivorId: s, mergedId: m, reason: 'duplicate' };
    for (const path of ['/v1/ops/customers/merge', '/v1/ops/customers/unmerge']) {
      expect((await post(path, body)).status).toBe(401);
      expect((await post(path, body, 'ingest')).status).toBe(403);
      expect((await post(path, body, 'analyst')).status).toBe(403);
    }
    expect([await streamLength(s), await streamLength(m)]).toEqual([1, 1]);
  });

  it('400 for a malformed body, bad ids, the same id twice or no reason; nothing written', async () => {
    const [s, m] = [await customer('s'), await customer('m')];
    const cases: [unknown, string][] = [
      [{ survivorId: s, mergedId: m }, 'reason'],
      [{ survivorId: s, mergedId: m, reason: '' }, 'reason'],
      [{ survivorId: s, mergedId: 'someone@example.com', reason: 'x' }, 'mergedId'],
      [{ survivorId: s, mergedId: m, reason: 'x', force: true }, 'property force should not exist'],
      [{ mergedId: m, reason: 'x' }, 'survivorId'],
      [{ survivorId: s, mergedId: s, reason: 'x' }, 'survivorId and mergedId must differ'],
    ];
    for (const [body, message] of cases) {
      const response = await merge(body).expect(400);
      expect(JSON.stringify(response.body.message)).toContain(message);
    }
    await unmerge({ survivorId: s, mergedId: s, reason: 'x' }).expect(400);
    expect([await streamLength(s), await streamLength(m)]).toEqual([1, 1]);
  });

  it('404 for a customer without events', async () => {
    const s = await customer('s');
    const ghost = `ghost-${randomUUID().slice(0, 8)}`;
    const response = await merge({ survivorId: s, mergedId: ghost, reason: 'x' }).expect(404);
    expect(response.body.message).toBe(`Customer ${ghost} is unknown`);
    await merge({ survivorId: ghost, mergedId: s, reason: 'x' }).expect(404);
    expect(await streamLength(s)).toBe(1);
  });

  it('merge: one event in each stream, recorded together, audited; replay of either id shows the link', async () => {
    const [s, m] = [await customer('s'), await customer('m')];
    const response = await merge({ survivorId: s, mergedId: m, reason: 'Same person' }).expect(200);
    expect(response.body).toMatchObject({ kind: 'merge', survivorId: s, mergedId: m });
    const [inSurvivor] = await store.readStream(`customer-${s}`, { fromRevision: 1 });
    const [inMerged] = await store.readStream(`customer-${m}`, { fromRevision: 1 });
    for (const event of [inSurvivor!, inMerged!]) {
      expect(event.type).toBe('customer.merged');
      expect(event.data).toEqual({ survivorId: s, mergedId: m });
      // The reason is personal: sealed with each customer's key, never in clear.
      expect(event.personal?.ciphertext.length).toBeGreaterThan(0);
      expect(JSON.stringify(event)).not.toContain('Same person');
      expect(event.metadata).toMatchObject({ source: 'touchline-ops', channel: 'other' });
    }
    expect(inSurvivor!.metadata.correlationId).toBe(inMerged!.metadata.correlationId);
    expect(response.body.events.map((e: { eventId: string }) => e.eventId)).toEqual([
      inSurvivor!.eventId,
      inMerged!.eventId,
    ]);

    const { entries } = await listAudit(store, { limit: 1 });
    expect(entries[0]).toMatchObject({
      actor: { kind: 'api_key', id: 'ops' },
      action: 'customer.merge',
      target: m,
      outcome: 'succeeded',
      detail: { survivorId: s, mergedId: m },
    });

    for (const id of [s, m]) {
      const replay = await request(app.getHttpServer())
        .get(`/v1/ops/customers/${id}/journey`)
        .set('Authorization', `Bearer ${KEYS.ops}`)
        .expect(200);
      expect(replay.body.streams).toEqual([`customer-${id}`, `customer-${id === s ? m : s}`]);
      expect(
        replay.body.events.filter((e: { type: string }) => e.type === 'customer.merged'),
      ).toHaveLength(2);
    }
    // As of before the merge, the journey is the customer's own stream.
    const before = new Date(inSurvivor!.recordedAt.getTime() - 1).toISOString();
    const earlier = await request(app.getHttpServer())
      .get(`/v1/ops/customers/${m}/journey?asOf=${before}`)
      .set('Authorization', `Bearer ${KEYS.ops}`)
      .expect(200);
    expect(earlier.body.streams).toEqual([`customer-${m}`]);
  });

  it('409s: already merged, survivor itself merged, already one customer, unmerge of what is not merged', async () => {
    const [s, m, x] = [await customer('s'), await customer('m'), await customer('x')];
    await merge({ survivorId: s, mergedId: m, reason: 'dup' }).expect(200);
    const lengths = async () => [
      await streamLength(s),
      await streamLength(m),
      await streamLength(x),
    ];
    const after = await lengths();

    const again = await merge({ survivorId: x, mergedId: m, reason: 'dup' }).expect(409);
    expect(again.body.message).toBe(`Customer ${m} is already merged into ${s}`);
    const intoMerged = await merge({ survivorId: m, mergedId: x, reason: 'dup' }).expect(409);
    expect(intoMerged.body.message).toContain(`merge into ${s} instead`);
    const cycle = await merge({ survivorId: m, mergedId: s, reason: 'dup' }).expect(409);
    expect(cycle.body.message).toContain(`is itself merged into ${s}`);
    const notMerged = await unmerge({ survivorId: s, mergedId: x, reason: 'oops' }).expect(409);
    expect(notMerged.body.message).toBe(`Customer ${x} is not merged`);
    const wrongSurvivor = await unmerge({ survivorId: x, mergedId: m, reason: 'oops' }).expect(409);
    expect(wrongSurvivor.body.message).toBe(`Customer ${m} is merged into ${s}, not into ${x}`);
    expect(await lengths()).toEqual(after);

    const { entries } = await listAudit(store, { limit: 5 });
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['customer.unmerge', 'refused'],
      ['customer.unmerge', 'refused'],
      ['customer.merge', 'refused'],
      ['customer.merge', 'refused'],
      ['customer.merge', 'refused'],
    ]);
  });

  it('409 for ids already linked as one customer (an earlier id), which a merge would turn into a cycle', async () => {
    const [s, p] = [await customer('s'), await customer('p')];
    await store.appendToStream(
      `customer-${s}`,
      [
        {
          eventId: randomUUID(),
          type: 'identity.linked',
          data: { previousId: p },
          metadata: { channel: 'web', customerId: s, source: 'accounts' },
          occurredAt: new Date(Date.UTC(2026, 0, 2)),
        },
      ],
      'any',
    );
    const response = await merge({ survivorId: p, mergedId: s, reason: 'dup' }).expect(409);
    expect(response.body.message).toContain('already count as one customer');
  });

  it('journey of any id of a chain: merged duplicates of duplicates and linked visitors, as of the instant', async () => {
    const [a, b, c] = [await customer('a'), await customer('b'), await customer('c')];
    const visitor = `v-${randomUUID().slice(0, 8)}`;
    await store.appendToStream(
      `anonymous-${visitor}`,
      [
        {
          eventId: randomUUID(),
          type: 'browse',
          data: { screen: 'Home' },
          metadata: { channel: 'web', anonymousId: visitor, source: 'web' },
        },
      ],
      'no_stream',
    );
    await store.appendToStream(
      `customer-${a}`,
      [
        {
          eventId: randomUUID(),
          type: 'identity.linked',
          data: { anonymousId: visitor },
          metadata: { channel: 'web', customerId: a, source: 'accounts' },
        },
      ],
      'any',
    );
    await merge({ survivorId: b, mergedId: a, reason: 'dup' }).expect(200);
    const beforeSecond = new Date();
    await merge({ survivorId: c, mergedId: b, reason: 'dup' }).expect(200);
    const streams = [`anonymous-${visitor}`, `customer-${a}`, `customer-${b}`, `customer-${c}`];
    for (const id of [a, b, c]) {
      const replay = await request(app.getHttpServer())
        .get(`/v1/ops/customers/${id}/journey`)
        .set('Authorization', `Bearer ${KEYS.ops}`)
        .expect(200);
      expect(replay.body.streams[0]).toBe(`customer-${id}`);
      expect([...replay.body.streams].sort()).toEqual(streams);
      expect(replay.body.integrity.ok).toBe(true);
    }
    const earlier = await request(app.getHttpServer())
      .get(`/v1/ops/customers/${c}/journey?asOf=${beforeSecond.toISOString()}`)
      .set('Authorization', `Bearer ${KEYS.ops}`)
      .expect(200);
    expect(earlier.body.streams).toEqual([`customer-${c}`]);
  });

  it('unmerge: a compensating event in both streams; the journeys part again; merge again is allowed', async () => {
    const [s, m] = [await customer('s'), await customer('m')];
    await merge({ survivorId: s, mergedId: m, reason: 'dup' }).expect(200);
    const response = await unmerge({ survivorId: s, mergedId: m, reason: 'siblings' }).expect(200);
    expect(response.body).toMatchObject({ kind: 'unmerge', survivorId: s, mergedId: m });
    expect((await store.readStream(`customer-${m}`)).map((e) => e.type)).toEqual([
      'purchase',
      'customer.merged',
      'customer.unmerged',
    ]);
    const replay = await request(app.getHttpServer())
      .get(`/v1/ops/customers/${s}/journey`)
      .set('Authorization', `Bearer ${KEYS.admin}`)
      .expect(200);
    expect(replay.body.streams).toEqual([`customer-${s}`]);
    await merge({ survivorId: m, mergedId: s, reason: 'the other way round' }).expect(200);
  });
});
