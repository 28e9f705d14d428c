import { randomUUID } from 'node:crypto';
import { describeEventStoreContract } from '../contract/event-store.contract';
import {
  EventIdConflictError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../errors';
import type { AppendResult, EventToAppend, RecordedEvent } from '../event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { InMemoryEventStoreDb } from './testing/in-memory-eventstoredb';

/**
 * The adapter's own logic (event-id claims, retries, paging past system events, the subscription)
 * against an in-memory stand-in for the client, so that it runs where no EventStoreDB does. The
 * stand-in mimics the server behaviour the adapter relies on; the int-spec checks the real one.
 */
describeEventStoreContract(
  'EventStoreDB adapter on an in-memory stand-in (not the server)',
  async () => {
    const server = new InMemoryEventStoreDb();
    const store = new EventStoreDbEventStore(server.asClient());
    return { store, teardown: () => store.close() };
  },
);

describe('EventStoreDB adapter on an in-memory stand-in: idempotency by event id', () => {
  const server = new InMemoryEventStoreDb();
  const store = new EventStoreDbEventStore(server.asClient());
  afterAll(() => store.close());

  const stream = () => `customer-${randomUUID()}`;
  const event = (data: Record<string, number> = { amount: 10 }): EventToAppend => ({
    eventId: randomUUID(),
    type: 'purchase',
    data,
    metadata: { source: 'spec' },
  });

  it('stores each event once when identical appends race, and tells each caller where', async () => {
    const id = stream();
    await store.appendToStream(id, [event()], 'no_stream');
    const batch = [event(), event(), event()];
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.appendToStream(id, batch, 'any')),
    );
    expect(await store.readStream(id)).toHaveLength(4);
    for (const result of results) expect(result.events.map((e) => e.revision)).toEqual([1, 2, 3]);
    expect(results.filter((r) => r.events[0]!.status === 'appended').length).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('answers racing retries of the same append at an exact revision as duplicates, not conflicts', async () => {
    const id = stream();
    const batch = [event(), event()];
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.appendToStream(id, batch, 'no_stream')),
    );
    expect(new Set(results.map((r) => r.events[1]!.position)).size).toBe(1);
    expect(await store.readStream(id)).toHaveLength(2);
  });

  it('lets exactly one stream have an event id that several streams race for', async () => {
    const contested = event();
    const streams = Array.from({ length: 10 }, stream);
    const results = await Promise.allSettled(
      streams.map((s) => store.appendToStream(s, [contested], 'any')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(EventIdConflictError);
    expect((await Promise.all(streams.map((s) => store.readStream(s)))).flat()).toHaveLength(1);
  });

  it('appends the rest of a batch whose first events are stored, at the expected revision only', async () => {
    const id = stream();
    const [a, b, c] = [event(), event(), event()];
    await store.appendToStream(id, [a!], 'no_stream');
    const result = await store.appendToStream(id, [a!, b!, c!], 0);
    expect(result.events.map((e) => [e.status, e.revision])).toEqual([
      ['duplicate', 0],
      ['appended', 1],
      ['appended', 2],
    ]);
    expect(result.nextExpectedRevision).toBe(2);
    await expect(store.appendToStream(id, [a!, event()], 0)).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    const read = await store.readStream(id);
    expect(read.map((e) => e.eventId)).toEqual([a!.eventId, b!.eventId, c!.eventId]);
    expect(read[2]!.position).toBe(result.events[2]!.position);
  });

  it('makes the retry of an append that landed while the connection dropped a duplicate', async () => {
    const id = stream();
    const e = event();
    server.failNextAppend(id, 'after');
    await expect(store.appendToStream(id, [e], 'no_stream')).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    const retry = await store.appendToStream(id, [e], 'no_stream');
    expect(retry.events[0]).toMatchObject({ status: 'duplicate', revision: 0 });
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('holds the id of an append that died after its claim for that content, until its stream moves on', async () => {
    const id = stream();
    await store.appendToStream(id, [event()], 'no_stream');
    const e = event({ amount: 1 });
    server.failNextAppend(id, 'before');
    await expect(store.appendToStream(id, [e], 0)).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    expect(await store.readStream(id)).toHaveLength(1);
    // Its claim may still land (as far as anyone can tell): other content is refused...
    await expect(
      store.appendToStream(id, [{ ...e, data: { amount: 2 } }], 0),
    ).rejects.toBeInstanceOf(EventIdConflictError);
    // ...until the stream has moved past the revision that claim expected: then it never can.
    await store.appendToStream(id, [event()], 0);
    const reused = await store.appendToStream(id, [{ ...e, data: { amount: 2 } }], 1);
    expect(reused.events[0]).toMatchObject({ status: 'appended', revision: 2 });
  });

  it('lets the same append retried after it died mid-way take over its own claim', async () => {
    const id = stream();
    const e = event();
    server.failNextAppend(id, 'before');
    await expect(store.appendToStream(id, [e], 'no_stream')).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    const retry = await store.appendToStream(id, [e], 'no_stream');
    expect(retry.events[0]).toMatchObject({ status: 'appended', revision: 0 });
  });

  it('never serves the event-id index or system events from $all', async () => {
    await store.appendToStream(stream(), [event()], 'no_stream');
    expect(server.streamNames().some((s) => s.startsWith('tl-eventid-'))).toBe(true);
    const { events } = await store.readAll(null, 100_000);
    expect(events.some((e) => e.streamId.startsWith('tl-eventid-') || e.type.startsWith('$'))).toBe(
      false,
    );
  });
});

describe('EventStoreDB adapter on an in-memory stand-in: reading the log', () => {
  const server = new InMemoryEventStoreDb();
  const readErrors: unknown[] = [];
  const store = new EventStoreDbEventStore(server.asClient(), {
    onSubscriptionReadError: (error) => readErrors.push(error),
  });
  afterAll(() => store.close());

  const append = (id: string, n: number): Promise<AppendResult[]> =>
    Array.from({ length: n }).reduce<Promise<AppendResult[]>>(
      async (done, _, i) => [
        ...(await done),
        await store.appendToStream(
          id,
          [{ eventId: randomUUID(), type: 'visit', data: { i } }],
          'any',
        ),
      ],
      Promise.resolve([]),
    );

  it('pages past long runs of system events without losing or repeating an event', async () => {
    for (let i = 0; i < 300; i++) server.writeSystemEvent();
    const id = `customer-${randomUUID()}`;
    await append(id, 5);
    for (let i = 0; i < 300; i++) server.writeSystemEvent();
    const paged: RecordedEvent[] = [];
    let checkpoint: string | null = null;
    for (;;) {
      const page = await store.readAll(checkpoint, 3);
      if (page.events.length === 0) break;
      paged.push(...page.events);
      checkpoint = page.checkpoint;
    }
    const whole = await store.readAll(null, 100_000);
    expect(paged.map((e) => e.eventId)).toEqual(whole.events.map((e) => e.eventId));
    expect(paged.filter((e) => e.streamId === id).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
  });

  it('hands over batches of at most batchSize and resumes after a dropped connection from its cursor', async () => {
    const id = `customer-${randomUUID()}`;
    await append(id, 20);
    const seen: RecordedEvent[] = [];
    const sizes: number[] = [];
    const subscription = store.subscribeToAll({ batchSize: 3 }, async (events) => {
      sizes.push(events.length);
      seen.push(...events.filter((e) => e.streamId === id));
      await new Promise((resolve) => setTimeout(resolve, 2));
    });
    setTimeout(() => server.dropSubscriptions(), 15);
    await append(id, 10);
    const deadline = Date.now() + 10_000;
    while (seen.length < 30 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.stop();
    await expect(subscription.done).resolves.toBeUndefined();
    expect(seen.map((e) => e.revision)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.some((n) => n > 1)).toBe(true);
    expect(readErrors.length).toBeGreaterThan(0);
  });
});
