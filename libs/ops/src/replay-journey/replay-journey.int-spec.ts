import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresEventStore, type EventToAppend } from '@touchline/event-store';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { PostgresStreamHeads } from '../verify-chain/postgres-stream-heads.adapter';
import { replayJourney, type Upcast } from './replay-journey';

describe('replayJourney', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let heads: PostgresStreamHeads;

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
    heads = new PostgresStreamHeads(db.pool);
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
  });

  const touchpoint = (minute: number, extra: Partial<EventToAppend> = {}): EventToAppend => ({
    eventId: randomUUID(),
    type: 'purchase',
    data: { orderId: `o-${minute}`, amount: minute },
    metadata: {
      source: 'shop-backend',
      correlationId: `checkout-${minute}`,
      causationId: `cmd-${minute}`,
    },
    occurredAt: new Date(Date.UTC(2026, 2, 1, 12, minute)),
    ...extra,
  });

  it('returns exactly the events recorded at or before asOf', async () => {
    const customerId = `c-${randomUUID()}`;
    const streamId = `customer-${customerId}`;
    const early = [touchpoint(1), touchpoint(2), touchpoint(3)];
    for (const event of early) await store.appendToStream(streamId, [event], 'any');
    const [lastEarly] = await store.readStream(streamId, { fromRevision: 2 });
    const asOf = lastEarly!.recordedAt;
    // The store records time in milliseconds: step past asOf so the next appends come strictly after.
    await sleep(5);
    const late = [touchpoint(4), touchpoint(5)];
    await store.appendToStream(streamId, late, 2);

    const then = await replayJourney(store, customerId, { asOf, heads });
    expect(then!.events.map((e) => e.eventId)).toEqual(early.map((e) => e.eventId));
    expect(then!.recorded).toBe(3);
    expect(then!.asOf).toEqual(asOf);
    for (const event of then!.events) {
      expect(event.recordedAt.getTime()).toBeLessThanOrEqual(asOf.getTime());
    }

    const now = await replayJourney(store, customerId, { heads });
    expect(now!.events.map((e) => e.eventId)).toEqual([...early, ...late].map((e) => e.eventId));

    const [first] = await store.readStream(streamId, { toRevision: 0 });
    expect(
      await replayJourney(store, customerId, { asOf: new Date(first!.recordedAt.getTime() - 1) }),
    ).toBeNull();
    expect(await replayJourney(store, `nobody-${randomUUID()}`)).toBeNull();
  });

  it('gives each event its times, producer, ids and data, and the chain check', async () => {
    const customerId = `c-${randomUUID()}`;
    const event = touchpoint(7);
    await store.appendToStream(`customer-${customerId}`, [event], 'no_stream');

    const replay = await replayJourney(store, customerId, { heads });
    expect(replay).toMatchObject({
      customerId,
      streams: [`customer-${customerId}`],
      asOf: null,
      integrity: {
        ok: true,
        streams: [{ streamId: `customer-${customerId}`, events: 1, ok: true, headChecked: true }],
      },
    });
    expect(replay!.events).toEqual([
      {
        streamId: `customer-${customerId}`,
        revision: 0,
        eventId: event.eventId,
        type: 'purchase',
        version: 1,
        storedVersion: 1,
        occurredAt: event.occurredAt,
        recordedAt: expect.any(Date),
        producer: 'shop-backend',
        correlationId: 'checkout-7',
        causationId: 'cmd-7',
        data: event.data,
        metadata: event.metadata,
        personalData: 'none',
      },
    ]);

    await db.pool.query(
      `UPDATE touchline.events SET data = '{"orderId": "o-7", "amount": 0}' WHERE event_id = $1`,
      [event.eventId],
    );
    const tampered = await replayJourney(store, customerId, { heads });
    expect(tampered!.integrity).toMatchObject({
      ok: false,
      streams: [{ ok: false, firstBroken: { revision: 0, reason: 'changed' } }],
    });
  });

  it('filters by occurred time: from inclusive, to exclusive', async () => {
    const customerId = `c-${randomUUID()}`;
    const events = [touchpoint(10), touchpoint(20), touchpoint(30), touchpoint(40)];
    await store.appendToStream(`customer-${customerId}`, events, 'no_stream');
    const replay = await replayJourney(store, customerId, {
      from: new Date(Date.UTC(2026, 2, 1, 12, 20)),
      to: new Date(Date.UTC(2026, 2, 1, 12, 40)),
    });
    expect(replay!.events.map((e) => e.data.orderId)).toEqual(['o-20', 'o-30']);
    expect(replay!.recorded).toBe(4);
  });

  it('upcasts old versions, and shows what it cannot upcast as recorded, saying why', async () => {
    const customerId = `c-${randomUUID()}`;
    await store.appendToStream(
      `customer-${customerId}`,
      [touchpoint(1), touchpoint(2, { type: 'mystery', data: { x: 1 } })],
      'no_stream',
    );
    const upcast: Upcast = (event) => {
      if (event.type !== 'purchase') throw new Error(`Unknown event type ${event.type}`);
      return { version: 2, data: { ...event.data, currency: 'EUR' } };
    };
    const replay = await replayJourney(store, customerId, { upcast });
    expect(replay!.events[0]).toMatchObject({
      version: 2,
      storedVersion: 1,
      data: { orderId: 'o-1', currency: 'EUR' },
    });
    expect(replay!.events[1]).toMatchObject({
      type: 'mystery',
      version: 1,
      data: { x: 1 },
      upcastError: 'Unknown event type mystery',
    });
  });

  it('follows the streams the resolver names: the extension point for merged and linked ids', async () => {
    const survivor = `c-${randomUUID()}`;
    const merged = `c-${randomUUID()}`;
    await store.appendToStream(`customer-${survivor}`, [touchpoint(1)], 'no_stream');
    await sleep(2);
    await store.appendToStream(`customer-${merged}`, [touchpoint(2)], 'no_stream');
    const replay = await replayJourney(store, survivor, {
      heads,
      streams: async (id) => [`customer-${id}`, `customer-${merged}`],
    });
    expect(replay!.events.map((e) => e.streamId)).toEqual([
      `customer-${survivor}`,
      `customer-${merged}`,
    ]);
    expect(replay!.integrity!.streams).toHaveLength(2);
  });
});
