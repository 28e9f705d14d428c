import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { INestApplication } from '@nestjs/common';
import { Analytics } from '@segment/analytics-node';
import type { Database } from '@touchline/database';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@touchline/event-store';
import { DecryptingEventStore, PersonalDataVault, TEST_MASTER_KEYS_ENV } from '@touchline/privacy';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { createApiApp } from './support/api-app';

/**
 * The Segment-compatible API end to end: the real application module on a fresh PostgreSQL
 * database, listening on a real port, fed by Segment's own Node SDK pointed at it.
 */

const INGEST = 'segment-write-key-0123456789ab';
const ANALYST = 'analyst-secret-0123456789abcdef';
const API_KEYS = `web-shop:${INGEST}:ingest,analyst:${ANALYST}:analyst`;

async function startApp(database: Database, mappingFile: string): Promise<INestApplication> {
  const app = await createApiApp(database, {
    DATABASE_URL: database.url,
    TOUCHLINE_API_KEYS: API_KEYS,
    TOUCHLINE_SEGMENT_MAPPING_FILE: mappingFile,
    TOUCHLINE_MASTER_KEYS: TEST_MASTER_KEYS_ENV,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

interface ErrorBody {
  message: string;
  errors?: { path: string; message: string }[];
}
const errorOf = async (res: Response) => (await res.json()) as ErrorBody;

describe('Segment-compatible HTTP API', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: EventStore;
  let host: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'touchline-segment-'));
    const mappingFile = join(dir, 'segment-mapping.json');
    writeFileSync(
      mappingFile,
      JSON.stringify({
        events: {
          'NPS Submitted': {
            type: 'survey.nps',
            data: {
              score: { path: 'properties.score', as: 'number' },
              comment: 'properties.comment',
            },
            requires: ['score'],
          },
        },
      }),
    );
    db = await createTestDatabase();
    app = await startApp(db, mappingFile);
    // What a reader allowed to see personal data sees (they are stored encrypted: docs/privacy.md).
    store = new DecryptingEventStore(app.get<EventStore>(EVENT_STORE), app.get(PersonalDataVault));
    const { port } = app.getHttpServer().address() as AddressInfo;
    host = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await app?.close(); // closes the pool; destroy() below then only drops the database
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${host}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: basic(INGEST), ...headers },
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
  const countAll = async () =>
    Number((await db.pool.query('SELECT count(*) FROM touchline.events')).rows[0].count);

  /** An SDK client pointed at touchline, recording what it sent and what it got back. */
  function sdk() {
    const analytics = new Analytics({
      writeKey: INGEST,
      host,
      flushAt: 100,
      flushInterval: 60_000,
      maxRetries: 0,
    });
    const sent: string[] = [];
    const statuses: number[] = [];
    const errors: unknown[] = [];
    analytics.on('http_request', (request) => sent.push(request.body));
    analytics.on('http_response', (response) => statuses.push(response.status));
    analytics.on('error', (error) => errors.push(error));
    return { analytics, sent, statuses, errors };
  }

  describe('with @segment/analytics-node', () => {
    const customer = `c-${randomUUID()}`;
    const visitor = `anon-${randomUUID()}`;
    const stream = `customer-${customer}`;
    let firstBatch: { batch: Record<string, unknown>[] };
    let recorded: RecordedEvent[];

    beforeAll(async () => {
      const { analytics, sent, statuses, errors } = sdk();
      analytics.identify({
        userId: customer,
        anonymousId: visitor,
        traits: { email: 'jana.novak@example.com', firstName: 'Jana', plan: 'gold' },
      });
      analytics.track({
        userId: customer,
        event: 'Order Completed',
        properties: {
          order_id: 'SO-2026-004711',
          total: 84.97,
          currency: 'eur',
          coupon: 'SPRING10',
          products: [
            { product_id: 'TSHIRT-BLK-M', name: 'Organic T-shirt', price: 24.99, quantity: 2 },
            { sku: 'MUG-STONE', name: 'Stoneware mug', price: 34.99 },
          ],
        },
      });
      analytics.track({
        userId: customer,
        event: 'Wishlist Shared',
        properties: { wishlistId: 'wl-311', items: 4 },
      });
      analytics.track({ userId: customer, event: 'NPS Submitted', properties: { score: '9' } });
      analytics.page({
        userId: customer,
        name: 'Stoneware mug',
        category: 'product',
        properties: { url: 'https://shop.example.com/p/mug-stone', title: 'Stoneware mug' },
      });
      analytics.alias({ userId: customer, previousId: 'legacy-7781' });
      await analytics.closeAndFlush();
      expect(errors).toEqual([]);
      expect(statuses).toEqual([200]);
      expect(sent).toHaveLength(1);
      firstBatch = JSON.parse(sent[0]!) as typeof firstBatch;
      recorded = await store.readStream(stream);
    });

    it('delivers identify, track, page and alias to the customer stream, in the order sent', () => {
      expect(recorded.map((e) => [e.revision, e.type])).toEqual([
        [0, 'profile.updated'],
        [1, 'identity.linked'],
        [2, 'purchase'],
        [3, 'custom'],
        [4, 'survey.nps'],
        [5, 'browse'],
        [6, 'identity.linked'],
      ]);
    });

    it('maps each call: traits, the order, the unmapped event, the configured one, the page, the ids', () => {
      const [profile, linked, purchase, custom, nps, browse, alias] = recorded;
      expect(profile!.data).toEqual({
        attributes: { email: 'jana.novak@example.com', firstName: 'Jana', plan: 'gold' },
      });
      expect(linked!.data).toEqual({ anonymousId: visitor });
      expect(purchase!.data).toEqual({
        orderId: 'SO-2026-004711',
        amount: 84.97,
        currency: 'EUR',
        items: [
          { sku: 'TSHIRT-BLK-M', name: 'Organic T-shirt', quantity: 2, price: 24.99 },
          { sku: 'MUG-STONE', name: 'Stoneware mug', quantity: 1, price: 34.99 },
        ],
        attributes: { coupon: 'SPRING10' },
      });
      expect(custom!.data).toEqual({
        name: 'Wishlist Shared',
        attributes: { wishlistId: 'wl-311', items: 4 },
      });
      expect(nps!.data).toEqual({ score: 9 });
      expect(browse!.data).toEqual({
        url: 'https://shop.example.com/p/mug-stone',
        title: 'Stoneware mug',
        pageType: 'product',
        attributes: { name: 'Stoneware mug' },
      });
      expect(alias!.data).toEqual({ previousId: 'legacy-7781' });
      expect(purchase!.metadata).toEqual({
        channel: 'other',
        customerId: customer,
        source: 'segment:web-shop',
      });
      expect(profile!.metadata).toMatchObject({ customerId: customer, anonymousId: visitor });
      expect(browse!.metadata).toMatchObject({ channel: 'web' });
    });

    it("keeps the SDK's timestamps (a sound clock is not corrected) and derives ids from messageIds", () => {
      const byMessage = firstBatch.batch.filter((call) => call.type !== 'identify');
      const nonIdentify = recorded.filter((e, i) => i !== 0 && i !== 1);
      expect(nonIdentify.map((e) => e.occurredAt!.toISOString())).toEqual(
        byMessage.map((call) => new Date(call.timestamp as string).toISOString()),
      );
      for (const call of firstBatch.batch) expect(call.messageId).toMatch(/^node-next-\d+-/);
      expect(new Set(recorded.map((e) => e.eventId)).size).toBe(recorded.length);
    });

    it('stores nothing twice when the same batch is retried, or the same messages sent again', async () => {
      const before = await countAll();
      // analytics-node's own retry: the same calls, a new sentAt.
      const retry = await post('/v1/batch', { ...firstBatch, sentAt: new Date().toISOString() });
      expect(retry.status).toBe(200);
      expect(await retry.json()).toEqual({ success: true });
      // A new client process re-sending the same messages.
      const { analytics, statuses, errors } = sdk();
      for (const call of firstBatch.batch) {
        const { type, messageId, timestamp, userId, anonymousId } = call as Record<string, string>;
        const common = { messageId, timestamp, userId: userId!, anonymousId };
        if (type === 'identify') analytics.identify({ ...common, traits: call.traits as object });
        if (type === 'alias') analytics.alias({ ...common, previousId: call.previousId as string });
        if (type === 'page')
          analytics.page({
            ...common,
            name: call.name as string,
            category: call.category as string,
            properties: call.properties as object,
          });
        if (type === 'track')
          analytics.track({
            ...common,
            event: call.event as string,
            properties: call.properties as object,
          });
      }
      await analytics.closeAndFlush();
      expect(errors).toEqual([]);
      expect(statuses).toEqual([200]);
      expect(await countAll()).toBe(before);
      expect(await store.readStream(stream)).toEqual(recorded);
    });
  });

  describe('clock skew', () => {
    it('corrects a client clock that is off, and still dedupes its retries', async () => {
      const customer = `c-${randomUUID()}`;
      const twoHours = 2 * 3_600_000;
      const call = {
        type: 'track',
        event: 'Product Clicked',
        userId: customer,
        messageId: `skew-${randomUUID()}`,
        // The client's clock is two hours behind; the click was 30 s before sending.
        timestamp: new Date(Date.now() - twoHours - 30_000).toISOString(),
        properties: { sku: 'MUG-STONE' },
      };
      /** The client's clock at sending; `lag` makes the request look that much slower. */
      const sentAt = (lag = 0) => new Date(Date.now() - twoHours - lag).toISOString();
      const first = await post('/v1/batch', { batch: [call], sentAt: sentAt() });
      expect(first.status).toBe(200);
      const [stored] = await store.readStream(`customer-${customer}`);
      expect(Math.abs(Date.now() - 30_000 - stored!.occurredAt!.getTime())).toBeLessThan(5_000);

      // A retry, slower on the wire: receivedAt − sentAt, and so the corrected time, differ by
      // some 40 ms, and the store sees other content under the same eventId.
      const again = await post('/v1/batch', { batch: [call], sentAt: sentAt(40) });
      expect(again.status).toBe(200);
      expect(await store.readStream(`customer-${customer}`)).toEqual([stored]);

      // The same messageId with other content is still a conflict.
      const other = await post('/v1/track', {
        ...call,
        properties: { sku: 'TSHIRT' },
        sentAt: sentAt(),
      });
      expect(other.status).toBe(409);
      expect(await store.readStream(`customer-${customer}`)).toEqual([stored]);
    });
  });

  describe('requests', () => {
    const call = (extra: Record<string, unknown> = {}) => ({
      type: 'track',
      event: 'Wishlist Shared',
      userId: `c-${randomUUID()}`,
      messageId: randomUUID(),
      ...extra,
    });

    it('takes single calls at /v1/track, /v1/identify, /v1/alias and /v1/page', async () => {
      const userId = `c-${randomUUID()}`;
      for (const [path, body] of [
        ['/v1/track', { event: 'Signed Up', userId, messageId: randomUUID() }],
        ['/v1/identify', { userId, messageId: randomUUID(), traits: { plan: 'gold' } }],
        ['/v1/alias', { userId, previousId: 'old-1', messageId: randomUUID() }],
        [
          '/v1/page',
          { userId, messageId: randomUUID(), properties: { url: 'https://x.example/' } },
        ],
      ] as const) {
        const res = await post(path, body);
        expect([path, res.status, await res.json()]).toEqual([path, 200, { success: true }]);
      }
      expect((await store.readStream(`customer-${userId}`)).map((e) => e.type)).toEqual([
        'custom',
        'profile.updated',
        'identity.linked',
        'browse',
      ]);
    });

    it('accepts a gzip-compressed body', async () => {
      const body = call();
      const res = await post('/v1/batch', gzipSync(JSON.stringify({ batch: [body] })), {
        'Content-Encoding': 'gzip',
      });
      expect(res.status).toBe(200);
      expect(await store.readStream(`customer-${body.userId}`)).toHaveLength(1);
    });

    it('answers 400 for an event over 32 KB, a batch over 2,500 calls or 500 KB; records nothing', async () => {
      const before = await countAll();
      const big = await post('/v1/track', call({ properties: { blob: 'x'.repeat(33 * 1024) } }));
      expect(big.status).toBe(400);
      expect(await errorOf(big)).toMatchObject({
        message: 'The track call is invalid (1 error); nothing was recorded',
        errors: [{ path: '', message: expect.stringMatching(/at most 32,768 \(32 KB\)/) }],
      });
      const bigInBatch = await post('/v1/batch', {
        batch: [call(), call({ properties: { blob: 'x'.repeat(33 * 1024) } })],
      });
      expect(bigInBatch.status).toBe(400);
      expect((await errorOf(bigInBatch)).errors).toEqual([
        { path: 'batch[1]', message: expect.stringMatching(/at most 32,768 \(32 KB\)/) },
      ]);
      const many = await post('/v1/batch', { batch: Array.from({ length: 2_501 }, () => call()) });
      expect(many.status).toBe(400);
      expect((await errorOf(many)).errors).toEqual([
        { path: 'batch', message: 'a batch holds at most 2,500 calls, got 2,501' },
      ]);
      const heavy = await post('/v1/batch', {
        batch: Array.from({ length: 20 }, () => call({ properties: { blob: 'x'.repeat(30_000) } })),
      });
      expect(heavy.status).toBe(400);
      expect((await errorOf(heavy)).errors).toEqual([
        { path: '', message: expect.stringMatching(/at most 512,000 \(500 KB\)/) },
      ]);
      expect(await countAll()).toBe(before);
    });

    it('answers 400 with every invalid field by its path, and records nothing of the batch', async () => {
      const good = call();
      const res = await post('/v1/batch', {
        batch: [
          good,
          call({ event: 'Order Completed', properties: { order_id: 'SO-1', total: -5 } }),
          call({ userId: 'jana@example.com' }),
        ],
      });
      expect(res.status).toBe(400);
      const body = await errorOf(res);
      expect(body.message).toBe('The batch is invalid (2 errors); nothing was recorded');
      expect(body.errors!.map((e) => e.path)).toEqual([
        'batch[1].properties.total',
        'batch[2].userId',
      ]);
      expect(await store.readStream(`customer-${good.userId}`)).toEqual([]);
    });

    it('answers 401 without a write key, 403 for a key without the ingest scope', async () => {
      const body = { batch: [call()] };
      const none = await post('/v1/batch', body, { Authorization: '' });
      expect(none.status).toBe(401);
      const wrong = await post('/v1/batch', body, { Authorization: basic('not-a-key-0123456789') });
      expect(wrong.status).toBe(401);
      const analyst = await post('/v1/batch', body, { Authorization: basic(ANALYST) });
      expect(analyst.status).toBe(403);
      expect((await errorOf(analyst)).message).toMatch(/lacks the "ingest" scope/);
      const bearer = await post('/v1/batch', body, { Authorization: `Bearer ${INGEST}` });
      expect(bearer.status).toBe(200);
    });

    it('answers 415 for a body that is not JSON', async () => {
      const res = await post('/v1/batch', 'batch=1', {
        'Content-Type': 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(415);
    });
  });
});
