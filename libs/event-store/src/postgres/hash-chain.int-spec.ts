import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { chainHash, recordDigest } from '../canonical';
import { PostgresEventStore } from './postgres-event-store.adapter';

describe('PostgreSQL event store hash chain', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
  });

  it('stores sha256(previous ‖ record digest ‖ revision ‖ recorded µs), recomputable from the events', async () => {
    const streamId = `customer-${randomUUID()}`;
    const mk = (amount: number) => ({
      eventId: randomUUID(),
      type: 'purchase',
      data: { amount, note: 'ünïcödé', nested: { b: 1, a: [1, 2.5] } },
      metadata: { source: 'test' },
      occurredAt: new Date('2026-03-01T12:00:00.123Z'),
    });
    await store.appendToStream(streamId, [mk(1), mk(2)], 'no_stream');
    await Promise.all([
      store.appendToStream(streamId, [mk(3)], 'any'),
      store.appendToStream(streamId, [mk(4)], 'any'),
    ]);

    const events = await store.readStream(streamId);
    expect(events).toHaveLength(4);
    let previous: Buffer = Buffer.alloc(0);
    for (const e of events) {
      const expected = chainHash(
        previous,
        recordDigest(streamId, { ...e, occurredAt: e.occurredAt ?? undefined }),
        e.revision,
        e.recordedAt,
      );
      expect(e.hash).toBe(expected.toString('hex'));
      previous = expected;
    }
    const head = await db.pool.query<{ last_hash: Buffer; revision: string }>(
      'SELECT last_hash, revision FROM touchline.streams WHERE stream_id = $1',
      [streamId],
    );
    expect(head.rows[0]!.revision).toBe('3');
    expect(head.rows[0]!.last_hash.toString('hex')).toBe(previous.toString('hex'));
  });
});
