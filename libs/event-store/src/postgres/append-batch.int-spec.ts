import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '@touchline/database';
import { createTestDatabase, waitFor, type TestDatabase } from '@touchline/testing';
import type { EventToAppend } from '../event-store.port';
import { PostgresEventStore } from './postgres-event-store.adapter';

/**
 * The append path's wire encoding (events as one jsonb document, digests as binary parameters)
 * and its prepared statement, beyond what the contract suite covers.
 */
describe('PostgreSQL append path', () => {
  describe('encoding', () => {
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

    it('stores data, metadata, time and the personal part exactly as given', async () => {
      const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const events: EventToAppend[] = [
        {
          eventId: randomUUID(),
          type: 'note "quoted" \\ back',
          version: 3,
          data: {
            text: 'quotes " and \\ backslashes, {braces}, commas, ünïcödé, 🙂, \n newline',
            nested: { list: [1, 2.5, -3e-7, null, true, 'x'], empty: {} },
          },
          metadata: { source: "it's", correlationId: randomUUID() },
          occurredAt: new Date('2026-01-02T03:04:05.678Z'),
          personal: { keyId: 'key-1', ciphertext: every, digest: Buffer.from('plaintext mac') },
        },
        { eventId: randomUUID(), type: 'bare', data: {} },
      ];
      const streamId = `customer-${randomUUID()}`;

      await store.appendToStream(streamId, events, 'no_stream');
      const [first, second] = await store.readStream(streamId);

      expect(first).toMatchObject({
        revision: 0,
        type: events[0]!.type,
        version: 3,
        data: events[0]!.data,
        metadata: events[0]!.metadata,
        occurredAt: events[0]!.occurredAt,
        personal: { keyId: 'key-1', ciphertext: every },
      });
      expect(second).toMatchObject({
        revision: 1,
        type: 'bare',
        version: 1,
        data: {},
        metadata: {},
      });
      expect(second!.occurredAt).toBeNull();
      expect(second!.personal).toBeUndefined();
    });

    it('answers every request of a group commit from one call', async () => {
      const streams = Array.from({ length: 20 }, () => `customer-${randomUUID()}`);
      const results = await Promise.all(
        streams.map((stream, i) =>
          store.appendToStream(
            stream,
            Array.from({ length: 1 + (i % 3) }, () => ({
              eventId: randomUUID(),
              type: 'visit',
              data: { i },
            })),
            'no_stream',
          ),
        ),
      );

      results.forEach((result, i) => {
        expect(result.streamId).toBe(streams[i]);
        expect(result.events.map((e) => e.revision)).toEqual(
          Array.from({ length: 1 + (i % 3) }, (_, k) => k),
        );
        expect(result.nextExpectedRevision).toBe(i % 3);
      });
    });
  });

  describe('on the embedded database (one session behind every connection)', () => {
    let db: Database;
    let store: PostgresEventStore;

    beforeAll(async () => {
      db = await openDatabase({});
      await PostgresEventStore.migrate(db.pool);
      store = new PostgresEventStore(db.pool);
    });

    afterAll(async () => {
      await store.close();
      await db.close();
    });

    it('still appends after the pool replaced its connection (the prepared name is per client)', async () => {
      const streamId = `customer-${randomUUID()}`;
      const append = (expected: number | 'no_stream') =>
        store.appendToStream(
          streamId,
          [{ eventId: randomUUID(), type: 'visit', data: {} }],
          expected,
        );
      await append('no_stream');

      // What the pool does to an idle connection: close it. The session, and the statement
      // prepared in it, stay.
      const client = await db.pool.connect();
      client.release(true);
      // pglite-socket serves one connection at a time: wait until it has let go of the old one.
      await waitFor(
        () =>
          db.pool.query('SELECT 1').then(
            () => true,
            () => undefined,
          ),
        { what: 'a new connection to the embedded database' },
      );

      await expect(append(0)).resolves.toMatchObject({ nextExpectedRevision: 1 });
      expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0, 1]);
    });
  });
});
